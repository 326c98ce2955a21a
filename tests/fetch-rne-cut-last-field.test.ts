import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpClient } from '../src/sources/http-node.js';
import { fetchRne } from '../src/sources/maires.js';
import { RNE_HEADER } from './helpers/campaign.js';
import { sampleRneRows } from './servers/annuaire.js';

/**
 * An RNE file cut INSIDE the last field of its last row (« …;23/03/20 », no final line break) has
 * all its fields: counting them does not see the cut, and every mayor after it would be missing
 * unseen. relais compares the last field's shape with that of every row before it (digits and
 * separators), whatever the column: the 2025 layout ends with a date, a layout ending with the
 * socio-professional code is checked the same way. A whole last row without its final line break,
 * or a last column with no common shape, is a row. fetchRne in-process, against a server on
 * 127.0.0.1 that serves the body the test gives it.
 */
let server: http.Server;
let base = '';
let body = '';

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const policy = { attempts: 1, baseMs: 1, maxWaitMs: 1000 };
const rne = (text: string) => {
  body = text;
  return fetchRne(nodeHttpClient(5000), base, ['45'], policy);
};
const rows = () => sampleRneRows().filter((r) => r.startsWith('45;'));
/** The rows with their columns in another order: the socio-professional code (« 33 ») last. */
const reorder = (line: string) => {
  const cells = line.split(';');
  return [...cells.slice(0, 10), ...cells.slice(12), cells[11], cells[10]].join(';');
};

describe('relais fetch: an RNE file cut inside the last field of its last row', () => {
  it('is refused as truncated, naming the line, the field and the shape of the others', async () => {
    const whole = `\uFEFF${[RNE_HEADER, ...rows()].join('\r\n')}`;
    const cut = whole.slice(0, -2);
    expect(cut.endsWith(';23/03/20')).toBe(true);
    const err = (await rne(cut).catch((e: unknown) => e)) as Error;
    expect(err, 'the cut file was taken whole').toBeInstanceOf(Error);
    expect(err.message).toContain('téléchargement tronqué');
    expect(err.message).toContain('ligne 131');
    expect(err.message).toContain(`son dernier champ, « Date de début de la fonction », vaut « 23/03/20 » alors qu'il a la forme « 99/99/9999 »`);
  });

  it('is refused in another layout, whose last column is a code', async () => {
    const lines = [RNE_HEADER, ...rows()].map(reorder);
    expect(lines[0]!.endsWith(';Code de la catégorie socio-professionnelle')).toBe(true);
    const whole = lines.join('\n');
    const err = (await rne(whole.slice(0, -1)).catch((e: unknown) => e)) as Error;
    expect(err, 'the cut file was taken whole').toBeInstanceOf(Error);
    expect(err.message).toContain(`« Code de la catégorie socio-professionnelle », vaut « 3 » alors qu'il a la forme « 99 »`);
    // The same layout, whole and without its final line break, is read.
    const read = await rne(whole);
    expect(read.counts.kept).toBe(130);
  });

  it('is a row when whole and without its final line break', async () => {
    const read = await rne(`\uFEFF${[RNE_HEADER, ...rows()].join('\r\n')}`);
    expect(read.counts).toMatchObject({ read: 130, kept: 130 });
    expect(read.mayors.at(-1)?.nom).toBe('NOM130');
  });

  it('is a row when the last column has no common shape (dates written in two ways)', async () => {
    const lines = rows().map((r, i) => (i % 2 ? r.replace(/;23\/03\/2014$/, ';2014-03-23') : r));
    const read = await rne(`\uFEFF${[RNE_HEADER, ...lines].join('\r\n')}`);
    expect(read.counts.kept).toBe(130);
  });
});
