import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { generate } from 'selfsigned';
import { ensureDebianPackage } from '../helpers/debian.js';

/**
 * A real IMAP server on 127.0.0.1: Debian's Dovecot, installed when missing (as Chromium is),
 * started in the foreground with a throw-away configuration in a temporary folder — its own
 * sockets, logs, users file and mail — and plain IMAP with STARTTLS on a self-signed certificate.
 * Authentication is accepted only after STARTTLS. Nothing of the system's Dovecot is used.
 */
export const DOVECOT = '/usr/sbin/dovecot';

export interface TestImap {
  port: number;
  url: string;
  user: string;
  password: string;
  /** The self-signed certificate (PEM), to give as the CA. */
  caFile: string;
  /** Adds messages to a folder (created if missing), as a mail client would. */
  append(folder: string, messages: Buffer[]): Promise<void>;
  /** How many messages a folder holds (0 for a folder that does not exist). */
  count(folder: string): Promise<number>;
  /** Dovecot's log so far: logins, and sessions closed without any. */
  log(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once the server greets: "* OK". */
async function greeting(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot stopped (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not answer on ${port}:\n${log()}`);
}

/** `tls: false`: a server that offers no STARTTLS at all (and would take a password in clear). */
export async function startDovecot(options: { tls?: boolean } = {}): Promise<TestImap> {
  const tls = options.tls ?? true;
  ensureDebianPackage(DOVECOT, 'dovecot-imapd');
  const dir = mkdtempSync(join(tmpdir(), 'relais-dovecot-'));
  // Root may not own mailboxes in Dovecot: as root, mail belongs to nobody; otherwise to us.
  const me = userInfo();
  const root = me.uid === 0;
  const mailUid = root ? 65534 : me.uid;
  const mailGid = root ? 65534 : me.gid;
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  if (root) chownSync(join(dir, 'home'), mailUid, mailGid);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  const user = 'retours';
  const password = 'mot-de-passe-IMAP-7';
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const port = await freePort();
  const login = root ? 'dovenull' : me.username;
  const internal = root ? 'dovecot' : me.username;
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = ${login}
default_internal_user = ${internal}
first_valid_uid = ${Math.min(mailUid, 1000)}
${tls ? `ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = yes` : `ssl = no
disable_plaintext_auth = no`}
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
`,
  );
  const child = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => {
    try {
      return `${output}${readFileSync(join(dir, 'dovecot.log'), 'utf8')}`;
    } catch {
      return output;
    }
  };
  await greeting(port, child, log);

  const client = async <T>(work: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: tls, auth: { user, pass: password }, tls: { ca: pems.cert }, logger: false });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.logout();
    }
  };
  return {
    port,
    url: `imap://127.0.0.1:${port}`,
    user,
    password,
    caFile: join(dir, 'cert.pem'),
    log,
    append: (folder, messages) =>
      client(async (c) => {
        if (folder !== 'INBOX' && !(await c.list()).some((b) => b.path === folder)) await c.mailboxCreate(folder);
        for (const m of messages) await c.append(folder, m);
      }),
    count: (folder) =>
      client(async (c) => {
        if (folder !== 'INBOX' && !(await c.list()).some((b) => b.path === folder)) return 0;
        const status = await c.status(folder, { messages: true });
        return status ? (status.messages ?? 0) : 0;
      }),
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
