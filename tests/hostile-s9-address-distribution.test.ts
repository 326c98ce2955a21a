import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * A town hall whose address has two complement lines, a street too long for one line, a CS
 * (course spéciale) number and a CEDEX: seven lines once the function line is dropped. NF Z10-011
 * ranks the lines: the distribution mention (BP, CS, TSA — line 5) is what a CEDEX address is
 * delivered by; the building and service complements (lines 2 and 3) are what may go. relais keeps
 * the complements and leaves out the CS, so « 45040 ORLEANS CEDEX 1 » arrives at the sorting
 * centre without the box it is meant for.
 */
const MAIRIES = [
  'code_insee_commune;adresse_courriel;telephone;complement1;complement2;numero_voie;service_distribution;code_postal;nom_commune',
  "45234;;;Hôtel Groslot - Service du courrier;Direction de la communication;Place de l'Étape, entrée par la rue d'Escures;CS 95439;45040;Orléans Cedex 1",
].join('\n');

describe('an address of seven lines with a CS and a CEDEX', () => {
  it('keeps the CS line the CEDEX is delivered by, and leaves out a complement instead', async () => {
    const dir = campaignWith({ mairies: `${MAIRIES}\n` });
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    const pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    // The envelope window: from 100 mm from the left, 35 to 80 mm from the top, on page 1.
    const block = pdf.items
      .filter((i) => i.page === 1 && i.x >= 100 && i.top >= 35 && i.top <= 80 && i.str.trim())
      .sort((a, b) => a.top - b.top)
      .map((i) => i.str.trim());
    expect(block.at(-1)).toBe('45040 ORLEANS CEDEX 1');
    expect(block.length).toBeLessThanOrEqual(6);
    // It used to print, and warn « ligne omise : « CS 95439 » »:
    // MAIRIE D'ORLEANS / HOTEL GROSLOT - SERVICE DU COURRIER / DIRECTION DE LA COMMUNICATION /
    // PLACE DE L'ETAPE, ENTREE PAR LA RUE / D'ESCURES / 45040 ORLEANS CEDEX 1
    expect(block, 'the CEDEX address lost its CS number').toContain('CS 95439');
  });
});
