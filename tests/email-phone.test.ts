import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignWith, sampleCampaign } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './helpers/chromium.js';

/**
 * The email to a town hall is read on a phone as often as on a desk: it says who signs, with
 * their titles, and whom to call. Read back from the .eml the outbox holds, as a mail client would.
 */
const CONTACT = 'Contact : 02 61 91 12 34 · renfort-covid@ars-centre-val-de-loire.example';

let orleans: ParsedMail;
let tours: ParsedMail;
let browser: Browser;

beforeAll(async () => {
  const dir = sampleCampaign();
  const r = await relais(['-C', dir, 'send', '--commune', '45234,37261']);
  expect(r.code, r.stderr).toBe(0);
  orleans = await simpleParser(readFileSync(join(dir, 'out/outbox/45/45234-orleans.eml')));
  tours = await simpleParser(readFileSync(join(dir, 'out/outbox/37/37261-tours.eml')));
  ensureChromium();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the email of the sample campaign', () => {
  it('has a viewport for phones', () => {
    expect(orleans.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('signs with every signatory’s name and title, in the HTML and the text part alike', () => {
    // The text part: the name, then its title on the lines below (the ARS title has two).
    expect(orleans.text).toContain('Avec nos remerciements,\n\nPierre POUËSSEL\nPréfet du Loiret\n\nLaurent HABERT\nDirecteur général de l\'ARS\nCentre-Val de Loire\n');
    expect(tours.text).toContain('Corinne ORZECOWSKI\nPréfète d\'Indre-et-Loire\n');
    const html = orleans.html as string;
    const signatures = html.slice(html.indexOf('Avec nos remerciements'));
    expect(signatures).toMatch(/<strong>Pierre POUËSSEL<\/strong><br><span[^>]*>Préfet du Loiret<\/span>/);
    expect(signatures).toMatch(/<strong>Laurent HABERT<\/strong><br><span[^>]*white-space: pre-line[^>]*>Directeur général de l&#x27;ARS\nCentre-Val de Loire<\/span>/);
  });

  it('ends on the campaign’s contact line, with links to call and to write', () => {
    expect(orleans.text?.trimEnd().endsWith(CONTACT)).toBe(true);
    const html = orleans.html as string;
    expect(html).toContain('<a href="tel:+33261911234"');
    expect(html).toContain('<a href="mailto:renfort-covid@ars-centre-val-de-loire.example"');
    expect(html.replace(/<[^>]+>/g, '')).toContain(CONTACT);
  });

  for (const width of [400, 360]) {
    it(`fits a ${width} px phone screen: nothing wider than the screen, text at a readable size`, async () => {
      // isMobile: without its viewport, a phone lays the page out 980 px wide and shrinks it.
      const context = await browser.newContext({ viewport: { width, height: 800 }, isMobile: true, deviceScaleFactor: 1 });
      const tab = await context.newPage();
      await tab.setContent(orleans.html as string);
      const { scroll, inner, smallest } = (await tab.evaluate(`({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        smallest: Math.min(...[...document.querySelectorAll('p, div, small, a, span')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
      })`)) as { scroll: number; inner: number; smallest: number };
      expect(inner).toBe(width);
      expect(scroll).toBeLessThanOrEqual(width);
      expect(smallest).toBeGreaterThanOrEqual(14);
      const shot = await tab.screenshot({ fullPage: true });
      // The PNG's width (IHDR): the page did not grow sideways when drawn.
      expect(shot.readUInt32BE(16)).toBe(width);
      await context.close();
    });
  }
});

describe('the contact: section of campagne.yaml', () => {
  it('refuses a phone number or an email that is not one, at its line', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('telephone: 02 61 91 12 34', 'telephone: 02 61 91 12').replace('email: renfort-covid@ars-centre-val-de-loire.example', 'email: renfort-covid(at)ars.example') });
    const lines = readFileSync(join(dir, 'campagne.yaml'), 'utf8').split('\n');
    const { code, json } = await relaisJson<{ errors: Array<{ message: string; line: number; field: string }> }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    const phone = json.errors.find((e) => e.field === 'contact.telephone')!;
    expect(phone.message).toBe('numéro de téléphone français attendu, par exemple 02 61 91 12 34 ou +33 2 61 91 12 34 (reçu « 02 61 91 12 »)');
    expect(lines[phone.line - 1]).toContain('telephone: 02 61 91 12');
    const email = json.errors.find((e) => e.field === 'contact.email')!;
    expect(email.message).toMatch(/^adresse électronique attendue/);
    expect(lines[email.line - 1]).toContain('email: renfort-covid(at)ars.example');
  });

  it('says why a number written without spaces is refused (YAML reads it as a number)', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('telephone: 02 61 91 12 34', 'telephone: 0261911234') });
    const { code, stdout } = await relais(['-C', dir, 'check']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/campagne\.yaml:\d+: numéro de téléphone français attendu.*YAML lit 261911234 comme un nombre et perd le 0 initial \(contact\.telephone\)/);
  });

  it('takes the international form and writes it the French way; without the section, no contact line', async () => {
    const withPlus = campaignWith({ yaml: (y) => y.replace('telephone: 02 61 91 12 34', 'telephone: "+33 (0)2.61.91.12.34"') });
    const a = await relaisJson<{ courriel: { texte: string } }>(['-C', withPlus, 'preview', '45234', '--channel', 'courriel']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.stringify(a.json)).toContain(CONTACT);
    const without = campaignWith({ yaml: (y) => y.replace(/^contact:\n(?: {2}.*\n)+/m, '') });
    const b = await relaisJson(['-C', without, 'preview', '45234', '--channel', 'courriel']);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.stringify(b.json)).toContain('Avec nos remerciements');
    expect(JSON.stringify(b.json)).not.toContain('Contact :');
  }, 60_000);
});
