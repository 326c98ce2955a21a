import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A Debian package some tests need, installed here when its program is missing: the machines
 * reach Debian's packages, and `npm test` must need nothing installed by hand.
 */
export function ensureDebianPackage(program: string, pkg: string): void {
  if (existsSync(program)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 240_000 });
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env, timeout: 480_000 });
}
