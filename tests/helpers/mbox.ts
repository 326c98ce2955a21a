import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BOUNCE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bounces');

/** The corpus of bounce fixtures, by file name. */
export function bounceFixtures(): Map<string, Buffer> {
  return new Map(readdirSync(BOUNCE_FIXTURES).filter((f) => f.endsWith('.eml')).sort().map((f) => [f, readFileSync(join(BOUNCE_FIXTURES, f))]));
}

/** Messages as one mbox (mboxrd: "From " lines of a body are quoted with ">"). */
export function toMbox(messages: Buffer[]): Buffer {
  return Buffer.from(
    messages
      .map((m) => `From MAILER-DAEMON Fri Apr 10 10:15:02 2020\n${m.toString('latin1').replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1').replace(/\n*$/, '\n')}\n`)
      .join(''),
    'latin1',
  );
}
