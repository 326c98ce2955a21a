import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The mail room prints impression-45.pdf (version n° 1) on Monday. On Tuesday the town hall of
 * Audeville (45012, no email: its letter is in the print file) moves: the directory gives a new
 * street address, the letter is rewritten, the print file gets version n° 2 — the same 24
 * communes. On Friday the mail room says it posted: `relais letters --posted --dep 45` notes
 * version n° 2 posted without a question (recordPosted in src/letters/posted.ts asks only about
 * communes that *joined* after the first version, history.joined), and the journal records
 * Audeville's letter at « 12 place de l’Église » posted — the one that left was addressed to the
 * old street. Nothing names Audeville. `--posted-version 1` does the same: it notes the current
 * letter (its hash and address, plan.recipient(code).letter) as the one of version n° 1.
 *
 * What should happen: a letter rewritten since the first version of the series is named, as a
 * letter that joined is (the mail room holds the old one), before anything is noted.
 */
type Record = { code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse: Array<{ numero_voie: string }> };

function moveTownHall(dir: string, insee: string, street: string): void {
  const path = join(dir, 'data', 'annuaire-mairies.json');
  const records = JSON.parse(readFileSync(path, 'utf8')) as Record[];
  const townHall = records.find((r) => r.code_insee_commune === insee && r.pivot[0]?.type_service_local === 'mairie');
  if (!townHall) throw new Error(`pas de mairie ${insee}`);
  townHall.adresse[0]!.numero_voie = street;
  writeFileSync(path, JSON.stringify(records));
}

/** What the command says, without the file account's line about Audeville's missing email (said by every command). */
const said = (r: { stdout: string; stderr: string }) =>
  (r.stdout + r.stderr)
    .split('\n')
    .filter((l) => !l.includes('sans adresse électronique'))
    .join('\n');

async function rewritten(): Promise<string> {
  const dir = await sampleWithLetters();
  moveTownHall(dir, '45012', '12 place de l’Église');
  const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
  expect(v2.code, v2.stderr).toBe(0);
  // The precondition: the letter was rewritten and the print file has a second version, same size.
  expect(v2.stdout + v2.stderr).toContain('1 lettre écrite');
  expect(v2.stdout + v2.stderr).toContain('version n° 2');
  return dir;
}

describe('a letter of the print file rewritten (new address) after the mail room printed it', () => {
  it('letters --posted names Audeville’s rewritten letter instead of noting version n° 2 posted without a word', async () => {
    const dir = await rewritten();
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    // Now: exit 0, « 24 lettres notées postées (fichier à imprimer, version n° 2 …) », Audeville never named.
    expect(said(posted)).toMatch(/Audeville|45012/);
    expect(posted.code).not.toBe(0);
  });

  it('letters --posted-version 1 does not note the rewritten letter (new address) as the one version n° 1 held', async () => {
    const dir = await rewritten();
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    // Now: exit 0, the 24 letters noted, Audeville's with the address of version n° 2.
    expect(said(posted)).toMatch(/Audeville|45012/);
  });
});
