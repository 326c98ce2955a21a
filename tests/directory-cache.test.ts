import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A large directory's reading is kept in .relais/cache and used again by the next command — only
 * while the file, the campaign's départements and relais are the same. Each check here must say
 * exactly what a first reading of the same files says.
 */
interface Report {
  ok: boolean;
  fichiers: Array<{ source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
  warnings: Array<{ kind: string; message: string; line?: number }>;
  errors: unknown[];
}

type DirRecord = { nom: string; code_insee_commune: string; pivot: Array<{ type_service_local: string; code_insee_commune: string[] }>; adresse_courriel: string[] };

let records: DirRecord[];
/** The sample's directory and, after it, as many other services as make it a national-size file (≥ 8 MB). */
function write(dir: string, list: DirRecord[]): void {
  const filler = JSON.stringify({ id: 'x', nom: 'Centre communal d’action sociale', pivot: [{ type_service_local: 'ccas', code_insee_commune: ['45234'] }], code_insee_commune: '45234', adresse: [{ type_adresse: 'Adresse', numero_voie: '1 place de l’Hôtel de Ville', code_postal: '45000', nom_commune: 'Orléans' }], adresse_courriel: ['ccas@orleans.example'], telephone: [{ valeur: '02 38 00 00 00' }] });
  const fillers = Array.from({ length: 32_000 }, () => filler).join(',\n');
  writeFileSync(join(dir, 'data', 'annuaire-mairies.json'), `[\n${list.map((r) => JSON.stringify(r)).join(',\n')},\n${fillers}\n]\n`);
}

beforeAll(() => {
  records = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'data', 'annuaire-mairies.json'), 'utf8')) as DirRecord[];
});

const check = async (dir: string) => (await relaisJson<Report>(['-C', dir, 'check'])).json;
const directoryAccount = (r: Report) => r.fichiers.find((f) => f.source === 'mairies')!;

describe('the reading of a large directory, kept for the next command', () => {
  it('gives what a first reading gives, and is read again when the file or the campaign changes', async () => {
    const dir = sampleCampaign();
    write(dir, records);
    expect(statSync(join(dir, 'data', 'annuaire-mairies.json')).size).toBeGreaterThan(8 << 20);
    const first = await check(dir);
    expect(first.ok).toBe(true);
    expect(directoryAccount(first).lus).toBe(records.length + 32_000);
    const cache = join(dir, '.relais', 'cache', 'annuaire.json');
    expect(existsSync(cache)).toBe(true);
    expect(await check(dir)).toEqual(first);

    // A new export: Orléans's town hall is gone from it. The reading kept must not be used.
    write(dir, records.filter((r) => !(r.code_insee_commune === '45234' && r.pivot[0]?.type_service_local === 'mairie')));
    const edited = await check(dir);
    expect(directoryAccount(edited).lus).toBe(directoryAccount(first).lus - 1);
    expect(edited.warnings.some((w) => w.kind === 'sans-courriel' && w.message.startsWith('Orléans (45234) : aucune ligne dans le fichier des mairies'))).toBe(true);

    // The campaign without the Indre-et-Loire: its town halls are now another département's.
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\n {2}"?37"?:\n(?: {4}.*\n)+/, '\n'));
    const fewer = await check(dir);
    expect(directoryAccount(fewer).utilises).toBeLessThan(directoryAccount(edited).utilises);
    expect(directoryAccount(fewer).ecartes['autre département']).toBeGreaterThan(directoryAccount(edited).ecartes['autre département']!);
    // And a cache file that cannot be read is no reason to stop: the file is read again.
    writeFileSync(cache, '{ broken');
    expect(await check(dir)).toEqual(fewer);
    // Nor one cut after its key (a copy of the folder interrupted): its problems are not told twice.
    const whole = readFileSync(cache);
    expect(whole.toString('latin1', 0, 16)).toBe('relais annuaire ');
    writeFileSync(cache, whole.subarray(0, whole.length >> 1));
    expect(await check(dir)).toEqual(fewer);
    expect(readFileSync(cache)).toEqual(whole);
    // Nor one damaged on the disk: a byte changed is caught by its CRC, the file read and the reading written again.
    const start = whole.indexOf(0x0a) + 1;
    const damaged = Buffer.from(whole);
    const flipped = start + ((whole.length - start) >> 1);
    damaged[flipped] = damaged[flipped]! ^ 0x20;
    writeFileSync(cache, damaged);
    expect(await check(dir)).toEqual(fewer);
    expect(readFileSync(cache)).toEqual(whole);
    // Nor one made by hand with the right first line and a right CRC, but not the shape of a reading:
    // a list said to hold four billion contacts, a problem that is none. Each is read again from the file.
    const prefix = whole.subarray(0, whole.indexOf(0x20, 'relais annuaire '.length) + 1);
    const kept = deserialize(whole.subarray(start)) as { contacts: unknown[]; problems: unknown[] };
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1;
    for (const forged of [{ ...kept, contacts: huge }, { ...kept, problems: [...kept.problems, null] }, { ...kept, contacts: [[null, [], '', '', '', '', '', '', '', 1, '', 0]] }]) {
      const payload = serialize(forged);
      writeFileSync(cache, Buffer.concat([prefix, Buffer.from(`${crc32(payload).toString(16).padStart(8, '0')}\n`, 'latin1'), payload]));
      expect(await check(dir)).toEqual(fewer);
    }
  });
});
