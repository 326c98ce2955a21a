import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** An SMTP reply refusing a step: `550 5.7.1 …` is `{ code: 550, message: '5.7.1 …' }`. */
export interface Refusal {
  code: number;
  message: string;
}

/**
 * A relay whose answers a test scripts, step by step: each hook returns a refusal, or nothing to
 * accept. For the servers tests/servers/smtp.ts's fixed faults do not describe (a relay busy at its
 * first connection, a size limit raised during the test, a content filter that starts refusing).
 */
export interface Script {
  /** The n-th connection (from 1). */
  connect?: (n: number) => Refusal | undefined;
  rcpt?: (address: string) => Refusal | undefined;
  /** The end of a message: to whom, its size, how many were accepted before. */
  data?: (to: string, size: number, accepted: number) => Refusal | undefined;
}

export interface ScriptedSmtp {
  url: string;
  /** Recipients of the messages accepted, in order. */
  accepted: string[];
  connections: () => number;
  close: () => Promise<void>;
}

const refused = (r: Refusal) => Object.assign(new Error(r.message), { responseCode: r.code });

export async function scriptedSmtp(script: Script): Promise<ScriptedSmtp> {
  const accepted: string[] = [];
  let connections = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onConnect(_session, callback) {
      const r = script.connect?.(++connections);
      callback(r ? refused(r) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const r = script.rcpt?.(address.address);
      callback(r ? refused(r) : undefined);
    },
    onData(stream, session, callback) {
      let size = 0;
      stream.on('data', (c: Buffer) => (size += c.length));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        const r = script.data?.(to, size, accepted.length);
        if (r) return callback(refused(r));
        accepted.push(to);
        callback(null, 'Queued');
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, accepted, connections: () => connections, close: () => new Promise<void>((r) => server.close(() => r())) };
}
