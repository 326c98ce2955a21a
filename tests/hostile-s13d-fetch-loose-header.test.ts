import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHttpClient } from '../src/sources/http-node.js';

/**
 * Hostile pass s13d: `relais fetch` now downloads through its own client on node:http(s) instead
 * of Node's fetch. node:http's parser is strict where Node's fetch (undici) is lenient: an answer
 * whose header block carries a slightly malformed line — `Content-Type : text/csv` (a blank before
 * the colon, as some appliances and old proxies write it) or a header folded on two lines — was
 * read whole by the previous release, and is now refused. The user is told the portal is
 * « injoignable (HPE_INVALID_HEADER_TOKEN) » — untrue (it answered, with the whole file) and a
 * parser's code, not French — and the download is tried again, in vain, until it gives up.
 *
 * What a user expects: the file the server sent, as before (its body is whole: Content-Length
 * matches); at the very least, never « injoignable » for a server that answered.
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server that answers every request with these exact bytes, then closes. */
async function answering(raw: string): Promise<string> {
  const server = createServer((socket: Socket) => {
    socket.once('data', () => socket.end(raw));
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/rne.csv`;
}

const BODY = 'Code du département;Code de la commune\r\n45;234\r\n';
const length = Buffer.byteLength(BODY);

describe('relais fetch: a server whose answer has a loosely written header line', () => {
  it.each([
    ['a blank before the colon', `HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\nContent-Type : text/csv; charset=utf-8\r\n\r\n${BODY}`],
    ['a header folded on two lines', `HTTP/1.1 200 OK\r\nContent-Length: ${length}\r\nContent-Type: text/csv;\r\n charset=utf-8\r\n\r\n${BODY}`],
  ])('is read as Node’s fetch read it (%s)', async (_, raw) => {
    const url = await answering(raw);
    let error: Error | undefined;
    let body = '';
    try {
      const res = await nodeHttpClient(5000).get(url, 'text/csv');
      body = Buffer.from(res.body).toString('utf8');
    } catch (e) {
      error = e as Error;
    }
    // Now: « 127.0.0.1:… injoignable (HPE_INVALID_HEADER_TOKEN) ».
    expect(error?.message ?? '', 'the server answered: it is not unreachable').not.toMatch(/injoignable|HPE_/);
    expect(error).toBeUndefined();
    expect(body).toBe(BODY);
  });
});
