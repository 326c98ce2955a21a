import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWithRetry, transportError, TransportError, type RetryPolicy } from '../src/sources/http.js';
import { nodeHttpClient } from '../src/sources/http-node.js';

/**
 * relais fetch's node:http(s) client (src/sources/http-node.ts) against real servers on 127.0.0.1:
 * a redirect to another host or by a relative Location, a failure after a redirect (named where
 * it happened, and where it came from), a Location that is no address, an answer too big (a gzip
 * bomb, an endless body), a certificate Node refuses. What is final is not tried again.
 */
const MB = 1024 * 1024;
const bomb = gzipSync(Buffer.alloc(2 * MB));
const brBomb = brotliCompressSync(Buffer.alloc(2 * MB));

let first: http.Server;
let second: http.Server;
let a = '';
let b = '';
let deadPort = 0;
const hits: string[] = [];

function listen(server: http.Server | https.Server): Promise<string> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}
async function close(server: http.Server | https.Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

beforeAll(async () => {
  second = http.createServer((req, res) => {
    hits.push(`b${req.url}`);
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('abc');
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`final ${req.url}`);
  });
  b = await listen(second);
  // A port that was open and is closed: nothing listens there.
  const gone = http.createServer();
  deadPort = Number((await listen(gone)).split(':')[1]);
  await close(gone);
  first = http.createServer((req, res) => {
    hits.push(`a${req.url}`);
    const [path] = (req.url ?? '').split('?');
    const redirect = (location: string) => {
      res.writeHead(302, { location });
      res.end();
    };
    if (path === '/elsewhere') return redirect(`http://${b}/dated/file.csv`);
    if (path === '/relative/stable') return redirect('../dated/file.csv?v=2');
    if (path === '/dated/file.csv') return res.end(`relative ${req.url}`);
    if (path === '/to-dead') return redirect(`http://127.0.0.1:${deadPort}/file.csv`);
    if (path === '/to-cut') return redirect(`http://${b}/cut`);
    if (path === '/malformed') return redirect('http://[zz/');
    if (path === '/malformed-long') return redirect(`http://[${'x'.repeat(300)}/`);
    if (path === '/bomb') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      return res.end(bomb);
    }
    if (path === '/br-bomb') {
      res.writeHead(200, { 'content-encoding': 'br' });
      return res.end(brBomb);
    }
    if (path === '/announced-big') {
      res.writeHead(200, { 'content-length': String(3 * MB) });
      res.write(Buffer.alloc(1024));
      return; // never finished: the client must stop at the announcement
    }
    if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      return pump();
    }
    if (path === '/half-mb') {
      const body = gzipSync(Buffer.alloc(MB / 2, 0x62));
      res.writeHead(200, { 'content-encoding': 'gzip' });
      return res.end(body);
    }
    res.writeHead(404);
    res.end();
  });
  a = await listen(first);
});
afterAll(async () => {
  await close(first);
  await close(second);
});

/** No pause, and each pause counted: a final error makes none. */
function policy(attempts = 4): RetryPolicy & { pauses: number } {
  const p = { attempts, baseMs: 1, maxWaitMs: 1000, pauses: 0, sleep: async () => void p.pauses++ };
  return p;
}

async function failure(url: string, p: RetryPolicy, client = nodeHttpClient(5000, undefined, MB)): Promise<Error> {
  const err = await getWithRetry(client, url, '*/*', 'Répertoire national des élus', p).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `${url} was accepted`).toBeInstanceOf(Error);
  return err as Error;
}

describe('relais fetch: redirects', () => {
  it('follows a redirect to another host, and gives the final address', async () => {
    const res = await nodeHttpClient(5000).get(`http://${a}/elsewhere`, '*/*');
    expect(res.status).toBe(200);
    expect(res.url).toBe(`http://${b}/dated/file.csv`);
    expect(Buffer.from(res.body).toString()).toBe('final /dated/file.csv');
  });

  it('resolves a relative Location against the address that sent it', async () => {
    const res = await nodeHttpClient(5000).get(`http://${a}/relative/stable?x=1`, '*/*');
    expect(res.url).toBe(`http://${a}/dated/file.csv?v=2`);
    expect(Buffer.from(res.body).toString()).toBe('relative /dated/file.csv?v=2');
  });

  it('names the address a connection failed at after a redirect, and the one it came from', async () => {
    const err = await failure(`http://${a}/to-dead`, policy(1));
    expect(err.message).toContain(`connexion refusée par 127.0.0.1:${deadPort} (après redirection depuis ${a})`);
  });

  it('names the host that cut its answer after a redirect, and the one it came from', async () => {
    const err = await failure(`http://${a}/to-cut`, policy(1));
    expect(err.message).toContain(`${b} a coupé la connexion`);
    expect(err.message).toContain(`(après redirection depuis ${a})`);
  });

  it('says a Location that is no address, once, naming the host and the Location, not « injoignable »', async () => {
    hits.length = 0;
    const p = policy(4);
    const err = await failure(`http://${a}/malformed`, p);
    expect(err.message).toContain(`${a} redirige vers une adresse invalide`);
    expect(err.message).toContain('« http://[zz/ »');
    expect(err.message).not.toMatch(/injoignable|ERR_INVALID_URL/);
    expect(p.pauses).toBe(0);
    expect(hits).toEqual(['a/malformed']);
  });

  it('cuts a long invalid Location in the message', async () => {
    const err = await failure(`http://${a}/malformed-long`, policy(1));
    expect(err.message).toContain(`« http://[${'x'.repeat(92)}… »`);
    expect(err.message).not.toContain('x'.repeat(150));
  });
});

describe('relais fetch: an answer too big', () => {
  it('refuses a gzip bomb past the cap once inflated, without trying again', async () => {
    const p = policy(4);
    const err = await failure(`http://${a}/bomb`, p);
    expect(err.message).toContain(`la réponse de ${a} fait plus de 1 Mo une fois décompressée (gzip) : adresse erronée ?`);
    expect(p.pauses).toBe(0);
  });

  it('refuses a brotli bomb the same way', async () => {
    const err = await failure(`http://${a}/br-bomb`, policy(1));
    expect(err.message).toContain('plus de 1 Mo une fois décompressée (br)');
  });

  it('refuses a body announced past the cap, without reading it', async () => {
    const p = policy(4);
    const err = await failure(`http://${a}/announced-big`, p);
    expect(err.message).toContain(`la réponse de ${a} fait plus de 1 Mo : adresse erronée ?`);
    expect(p.pauses).toBe(0);
  });

  it('stops reading an endless body at the cap', async () => {
    const err = await failure(`http://${a}/endless`, policy(1));
    expect(err.message).toContain(`la réponse de ${a} fait plus de 1 Mo : adresse erronée ?`);
  });

  it('reads a compressed answer under the cap whole', async () => {
    const res = await nodeHttpClient(5000, undefined, MB).get(`http://${a}/half-mb`, '*/*');
    expect(res.body.length).toBe(MB / 2);
  });
});

describe('relais fetch: a certificate Node refuses', () => {
  let tls: https.Server | undefined;
  let handshakes = 0;
  afterAll(async () => close(tls));

  it('says it is a certificate problem, with NODE_EXTRA_CA_CERTS, not « injoignable », and does not try again', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    tls = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('ok'));
    tls.on('connection', () => handshakes++);
    const host = await listen(tls);
    const p = policy(4);
    const err = await failure(`https://${host}/elus-maires.csv`, p);
    expect(err.message).toContain(`certificat de ${host} refusé (certificat auto-signé : DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(err.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(err.message).not.toMatch(/injoignable/);
    expect(p.pauses).toBe(0);
    expect(handshakes).toBe(1);
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED'])(
    'sorts Node’s %s as a certificate problem, final',
    (code) => {
      const e = Object.assign(new Error(code.toLowerCase()), { code });
      const sorted = transportError(e, 'https://www.data.gouv.fr/api/1/datasets/r/x', 5000);
      expect(sorted).toBeInstanceOf(TransportError);
      expect(sorted.retryable).toBe(false);
      expect(sorted.message).toContain(`certificat de www.data.gouv.fr refusé (`);
      expect(sorted.message).toContain(`${code})`);
      expect(sorted.message).toContain('NODE_EXTRA_CA_CERTS');
    },
  );
});
