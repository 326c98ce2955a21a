/**
 * Bench task: `relais bounces` on an mbox of 10,000 messages (DSNs, text bounces, auto-replies,
 * in the proportions of a real bounce mailbox), matched against a journal of 10,000 deliveries.
 * Streamed: the memory must not grow with the mailbox.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mboxFile } from '../src/bounces/files.js';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { packageRoot } from '../src/paths.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const MESSAGES = Number(process.argv[2] ?? 10_000);
const KEY = 'appel-a-volontaires-renfort-covid-2020-04-10';
const fixtures = join(packageRoot(), 'tests', 'fixtures', 'bounces');
const templates = ['postfix-dsn.eml', 'postfix-dsn.eml', 'exchange-dsn.eml', 'postfix-delayed.eml', 'exim-text.eml', 'qmail-text.eml', 'gmail-text.eml', 'auto-reply.eml', 'town-hall-reply.eml', 'spam.eml'].map((f) => readFileSync(join(fixtures, f), 'latin1'));
// The commune and address each template is about, replaced per message.
const ABOUT: Array<[RegExp, string]> = [
  [/\b45(234|001|004|005|006|008|011)\b/g, 'CODE'],
  [/(mairie@orleans|accueil@adon|mairie@amilly|mairie@andonville|mairie@ardon|mairie@artenay|mairie@attray)\.example/g, 'ADDR'],
];

// Two steps in two processes, so that the peak memory measured is the reading's, not the making's.
const [step, dir] = [process.argv[3] ?? 'run', process.argv[4] ?? ''];
const mbox = join(dir, 'retours.mbox');
if (step === 'prepare') {
  const journal = Journal.open(dir, KEY);
  const code = (i: number) => `${String(1 + (i % 95)).padStart(2, '0').replace('20', '21')}${String(i % 1000).padStart(3, '0')}`;
  const communes = new Map<string, string>();
  for (let i = 0; communes.size < MESSAGES; i++) communes.set(code(i), `mairie-${i}@commune-${i}.example`);
  journal.transaction(() => {
    for (const [commune, recipient] of communes) {
      journal.markSending(CHANNEL, { destination: 'server', server: '127.0.0.1:25' }, { commune, departement: commune.slice(0, 2), recipient, hash: 'h', messageId: `<${KEY}.${commune}@x>` });
      journal.finish(CHANNEL, 'server', commune, 'sent', '250 OK');
    }
  });
  journal.close();
  const list = [...communes];
  const parts: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const [commune, recipient] = list[i]!;
    let text = templates[i % templates.length]!;
    for (const [re, what] of ABOUT) text = text.replace(re, what === 'CODE' ? commune : recipient);
    text = text.replace(/^(Message-I[dD]: <)/m, `$1bench-${i}.`);
    parts.push(`From MAILER-DAEMON Fri Apr 10 10:15:02 2020\n${text.replace(/^(>*From )/gm, '>$1').replace(/\n*$/, '\n')}\n`);
  }
  writeFileSync(mbox, parts.join(''), 'latin1');
  report({ messages: MESSAGES });
} else {
  const journal = Journal.open(dir, KEY);
  const start = performance.now();
  const result = await processBounces(mboxFile(mbox), journal);
  const ms = performance.now() - start;
  journal.close();
  report({ messages: result.read, bounced: result.bounced.length, delayed: result.delayed.length, setAside: result.setAside.autoReplies + result.setAside.replies + result.setAside.others, unmatched: result.unmatched.length, ms, mbSize: statSync(mbox).size / 1048576 });
}
