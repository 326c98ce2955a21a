import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1, in the test process (the smtp-server package), with the faults
 * the send tests need: a temporary 421, a permanent 550 for one address, a connection cut after a
 * number of messages, a server that dies for good, authentication (every AUTH it receives is
 * recorded, with whether the connection was encrypted), TLS with a self-signed certificate.
 */
export interface Received {
  to: string;
  raw: Buffer;
  messageId: string | undefined;
  /** The envelope: MAIL FROM, and the DSN parameters of MAIL FROM (RET, ENVID) and RCPT TO (NOTIFY, ORCPT). */
  mailFrom: string;
  dsn: { ret?: string; envid?: string; notify?: string[]; orcpt?: string };
}

export interface SmtpFaults {
  /** Addresses refused with 550 at RCPT TO. */
  refuse?: string[];
  /** Every message refused at the end of DATA with this reply (a relay's content filter). */
  rejectData?: { code: number; message: string };
  /** The messages to these addresses refused at the end of DATA with their reply. */
  rejectDataFor?: Record<string, { code: number; message: string }>;
  /** Addresses answered 421 at the end of DATA the first time they are sent. */
  temporaryOnce?: string[];
  /** Destroy the connection at MAIL FROM after this many accepted messages (once). */
  dropAfter?: number;
  /** Required credentials. Without `tls` the server offers no STARTTLS. */
  auth?: { user: string; pass: string };
  /**
   * A server that dies once this many messages were accepted: it stops listening (connections are
   * refused from then on) and cuts each open session at its next MAIL FROM, so a message under way
   * is answered and none is left half-delivered.
   */
  dieAfter?: number;
  /** A careless server: its refusal quotes the credentials it was given. */
  echoAuth?: boolean;
  /** STARTTLS with a self-signed certificate. */
  tls?: boolean;
  /** Addresses whose message is received but never answered (a server that stalls). */
  stallData?: string[];
  /** Advertise DSN (RFC 3461), as most servers do; smtp-server hides it by default. */
  dsn?: boolean;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** Every AUTH the server received: the user, and whether the session was encrypted then. */
  auths: Array<{ user: string; secure: boolean }>;
  /** Recipients whose message arrived and was left unanswered (stallData). */
  stalled: string[];
  /** Every connection the server accepted, by session id, in order (a client under way). */
  sessions: string[];
  /** The self-signed certificate (PEM), to give as the CA. */
  cert: string | undefined;
  parsed(to: string): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(faults: SmtpFaults = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const auths: Array<{ user: string; secure: boolean }> = [];
  let dead = false;
  const stalled: string[] = [];
  const sessions: string[] = [];
  const temporaryDone = new Set<string>();
  let dropped = false;
  let cert: string | undefined;
  let key: string | undefined;
  if (faults.tls) {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    cert = pems.cert;
    key = pems.private;
  }
  const options: SMTPServerOptions = {
    secure: false,
    ...(faults.tls ? { key, cert } : { disabledCommands: faults.auth ? ['STARTTLS'] : ['AUTH', 'STARTTLS'], allowInsecureAuth: true }),
    ...(faults.auth ? { allowInsecureAuth: true } : { authOptional: true }),
    logger: false,
    hideDSN: !faults.dsn,
    size: 50 * 1024 * 1024,
    onConnect(session, callback) {
      sessions.push(session.id);
      callback();
    },
    onAuth(auth, session, callback) {
      auths.push({ user: auth.username ?? '', secure: session.secure });
      if (faults.auth && auth.username === faults.auth.user && auth.password === faults.auth.pass) return callback(null, { user: auth.username });
      const err = new Error(faults.echoAuth ? `Authentication credentials invalid (${auth.username}:${auth.password ?? ''})` : 'Authentication credentials invalid') as Error & { responseCode: number };
      err.responseCode = 535;
      callback(err);
    },
    onMailFrom(_address, session, callback) {
      // The client sees its connection closed under it; the command is never answered.
      const cut = () => {
        const connections = (server as unknown as { connections: Set<{ session: SMTPServerSession; _socket: { destroy(): void } }> }).connections;
        for (const c of connections) if (c.session.id === session.id) c._socket.destroy();
      };
      if (faults.dieAfter !== undefined && (dead || received.length >= faults.dieAfter)) {
        if (!dead) {
          dead = true;
          (server as unknown as { server: { close(): void } }).server.close();
        }
        return cut();
      }
      if (faults.dropAfter !== undefined && !dropped && received.length >= faults.dropAfter) {
        dropped = true;
        return cut();
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (faults.refuse?.includes(address.address)) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        if (faults.stallData?.includes(to)) return void stalled.push(to);
        if (faults.temporaryOnce?.includes(to) && !temporaryDone.has(to)) {
          temporaryDone.add(to);
          const err = new Error('Try again later') as Error & { responseCode: number };
          err.responseCode = 421;
          return callback(err);
        }
        const reject = faults.rejectDataFor?.[to] ?? faults.rejectData;
        if (reject) {
          const err = new Error(reject.message) as Error & { responseCode: number };
          err.responseCode = reject.code;
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        const envelope = session.envelope as unknown as { mailFrom: { address: string } | false; dsn?: { ret?: string; envid?: string }; rcptTo: Array<{ dsn?: { notify?: string[]; orcpt?: string } }> };
        const dsn = { ...(envelope.dsn ?? {}), ...(envelope.rcptTo[0]?.dsn ?? {}) };
        // The Message-ID is read in the header block only: unfolding a whole message (its letter in
        // base64, 100 KB) for it cost 0.13 ms a message, thousands of messages a run.
        const headerEnd = raw.indexOf('\r\n\r\n');
        const headers = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1').replace(/\r?\n\s+/g, ' ');
        received.push({ to, raw, messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(headers)?.[1], mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '', dsn });
        callback(null, 'Queued');
      });
    },
  };
  const server = new SMTPServer(options);
  // Connections refused or dropped by a fault are expected: their errors are not test failures.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    auths,
    stalled,
    sessions,
    cert,
    async parsed(to) {
      const r = received.find((m) => m.to === to);
      if (!r) throw new Error(`no message to ${to}`);
      return simpleParser(r.raw);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
