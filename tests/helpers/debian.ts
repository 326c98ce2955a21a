import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A Debian package some tests need, installed here when its program is missing: the machines
 * reach Debian's packages, and `npm test` must need nothing installed by hand. Test files run in
 * parallel workers and dpkg takes one installer at a time: installs are serialised with flock (a
 * second worker waits, then finds the program installed), and apt waits for a lock held elsewhere.
 */
export function ensureDebianPackage(program: string, pkg: string): void {
  if (existsSync(program)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const script = `[ -e "$1" ] && exit 0; apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$2"`;
  execFileSync('flock', ['/tmp/relais-tests-apt.lock', 'sh', '-c', script, 'sh', program, pkg], { stdio: 'ignore', env, timeout: 900_000 });
}
