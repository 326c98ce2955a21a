import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { BIN, ROOT } from './helpers/cli.js';
import { FULL_STRENGTH, tallyFor } from './helpers/fuzz.js';

const FLAT_MAIRIES = join(ROOT, 'tests', 'fixtures', 'mairies-plat.csv');

/**
 * The sweep: every command against every kind of broken input. Whatever the input, the user gets
 * French: never "erreur inattendue", never a library's English, never a raw system error code,
 * never a NUL byte, never a 1 MB line. With --json, stdout stays one JSON document.
 */

/** English a library or Node would print, and the marks of an unhandled error. */
const FOREIGN = [
  /erreur inattendue/,
  /\b(the|is|not|of|and|cannot|could|should|must|was|with|from|found|failed|invalid|unexpected|expected|denied|permission|directory|such|file|undefined|null|NaN|Error|TypeError|properties|reading|Unrecognized|Lexical|Parse error|Expecting|outputHelp)\b/i,
  /\bE(ACCES|NOENT|NOTDIR|ISDIR|NOSPC|ROFS|PERM|EXIST|MFILE|BUSY|INVAL|RR_[A-Z_]+)\b/,
  /\u0000/,
  /\n\s+at .+:\d+:\d+\)?\n/,
];

/** Words of ours that the pattern above would take for English. */
const OURS = [/Source Sans 3 \(\w+\)/g, /\bRELAIS_[A-Z_]+/g, /--[a-z][a-z-]*/g, /\bnull\b(?=[,}\]\n])/g];

function foreignText(text: string): string | undefined {
  let clean = text;
  for (const re of OURS) clean = clean.replace(re, '');
  // Paths and file names come from the test, not from a message.
  clean = clean.replace(/(?<!\w)(?:\/[\w.@+-]+)+\/?/g, '<chemin>');
  for (const re of FOREIGN) {
    const m = re.exec(clean);
    if (m) return clean.slice(Math.max(0, m.index - 80), m.index + 80);
  }
  return undefined;
}

const root = process.getuid?.() === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Root reads and writes everything: when permissions are part of the case, relais runs without the
 * capabilities that override file modes (setpriv, util-linux), held to the modes like anyone, as
 * the owner of the case's files. Unlike running it as « nobody », this works wherever the checkout
 * lies, even in a folder private to root (`mktemp -d`), which « nobody » could not load relais from.
 */
const BOUND_BY_MODES = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--'];

function run(args: string[], options: { env?: Record<string, string>; cwd?: string; unprivileged?: boolean } = {}): Promise<Run> {
  const [program, argv] = options.unprivileged && root ? ['setpriv', [...BOUND_BY_MODES, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  return new Promise((resolve) => {
    execFile(
      program,
      argv,
      { cwd: options.cwd ?? tempDir('relais-sweep-'), env: { ...process.env, NO_COLOR: '1', RELAIS_DEBUG: '', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ).stdin?.end();
  });
}

const require = createRequire(import.meta.url);
const FONT = require.resolve('@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf');

let png: Buffer;
beforeAll(async () => {
  png = await QRCode.toBuffer('https://www.renfort-covid.fr', { width: 300 });
});

/** A PNG cut in the middle of its pixel data (IDAT), as a download stopped short leaves it. */
function cutInIdat(data: Buffer): Buffer {
  const idat = data.indexOf('IDAT', 8, 'latin1');
  const length = data.readUInt32BE(idat - 4);
  return data.subarray(0, idat + 4 + Math.floor(length / 2));
}

type Command = string[];
const LOAD: Command[] = [['check'], ['letters', '--commune', '45234'], ['posts', '--dep', '45'], ['preview', '45234'], ['send', '--commune', '45234', '--yes'], ['status'], ['track'], ['schedule', 'list'], ['run', '--dep', '45', '--yes'], ['count', '--channel', 'sms', 'Bonjour']];
// Commands that read the same input the same way (preview and letters both go through the checked
// campaign) are not all repeated for every case: the sweep must stay within the suite's time.
const DATA: Command[] = [['check'], ['letters', '--commune', '45234'], ['send', '--commune', '45234', '--yes']];
const TEXTS: Command[] = [['check'], ['posts', '--dep', '45'], ['preview', '45234']];
const SIGNUPS: Command[] = [['check'], ['track'], ['preview', '45234']];
const ASSETS: Command[] = [['check'], ['letters', '--commune', '45234']];

/**
 * `npm run fuzz` tries every input on every command of its kind. `npm test` takes turns: an input
 * all ten commands read the same way (the campaign folder, the environment) goes to a third of
 * them, so that each command still meets two such inputs; a data file, a template, the sign-ups or
 * an image go to one of the commands that read them, in turn, so that each of these commands
 * meets a broken input of each kind (each relais costs about a second of CPU).
 */
function commandsFor(c: Case): Command[] {
  if (FULL_STRENGTH || ![LOAD, DATA, TEXTS, SIGNUPS, ASSETS].includes(c.commands)) return c.commands;
  const turn = CASES.filter((x) => x.commands === c.commands).indexOf(c);
  // (The turn that gives `count`, which reads no campaign, the bad environment variable.)
  if (c.commands === LOAD) return LOAD.filter((_, j) => (j + turn) % 3 === 2);
  // The sign-ups have two cases for three commands: `check` takes both, the others one each.
  if (c.commands === SIGNUPS) return [c.commands[0]!, c.commands[1 + (turn % 2)]!];
  return [c.commands[turn % c.commands.length]!];
}

/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('sweep');

interface Case {
  name: string;
  commands: Command[];
  /** Prepares a fresh copy of the sample campaign; returns what the run needs. */
  prepare(dir: string): { global?: string[]; extra?: string[]; env?: Record<string, string>; unprivileged?: boolean; expect?: RegExp } | void;
}

const yaml = (dir: string, edit: (text: string) => string) => writeFileSync(join(dir, 'campagne.yaml'), edit(readFileSync(join(dir, 'campagne.yaml'), 'utf8')));
/** Points the campaign at another town-hall file (the sample's is a directory export). */
const mairiesFile = (dir: string, name: string) => yaml(dir, (y) => y.replace(/^ {2}mairies: .*$/m, `  mairies: data/${name}`));
/** The préfecture's flat list of the sample's town halls, the file the office-made breakages start from. */
const flatMairies = (dir: string): string => {
  const path = join(dir, 'data', 'mairies.csv');
  writeFileSync(path, readFileSync(FLAT_MAIRIES));
  mairiesFile(dir, 'mairies.csv');
  return path;
};
const addToYaml = (dir: string, text: string) => yaml(dir, (y) => `${y}\n${text}\n`);

const CASES: Case[] = [
  { name: '-C vide', commands: LOAD, prepare: () => ({ global: ['-C', ''], expect: /-C \(--campagne\) vide/ }) },
  { name: '-C vers un fichier', commands: LOAD, prepare: (dir) => ({ global: ['-C', join(dir, 'campagne.yaml')], expect: /est un fichier, pas un dossier/ }) },
  { name: '-C vers un dossier absent', commands: LOAD, prepare: (dir) => ({ global: ['-C', join(dir, 'absent')], expect: /dossier de campagne introuvable/ }) },
  {
    name: 'dossier de campagne illisible',
    commands: LOAD,
    prepare: (dir) => {
      chmodSync(dir, 0o000);
      return { unprivileged: true, expect: /accès refusé/ };
    },
  },
  { name: 'campagne.yaml mal formé', commands: LOAD, prepare: (dir) => yaml(dir, (y) => y.replace('  titre: Appel', '  titre: [Appel')) },
  { name: 'variable RELAIS_HTTP_TIMEOUT_MS=abc', commands: LOAD, prepare: () => ({ env: { RELAIS_HTTP_TIMEOUT_MS: 'abc' }, expect: /RELAIS_HTTP_TIMEOUT_MS : « abc »/ }) },
  {
    name: 'fichier des maires sans droit de lecture',
    commands: DATA,
    prepare: (dir) => {
      chmodSync(join(dir, 'data', 'maires.csv'), 0o000);
      return { unprivileged: true, expect: /accès refusé/ };
    },
  },
  {
    name: 'un dossier à la place du fichier des mairies',
    commands: DATA,
    prepare: (dir) => {
      rmSync(flatMairies(dir));
      mkdirSync(join(dir, 'data', 'mairies.csv'));
    },
  },
  { name: 'mairies en UTF-16 sans BOM', commands: DATA, prepare: (dir) => {
      const path = flatMairies(dir);
      writeFileSync(path, Buffer.from(readFileSync(path, 'utf8'), 'utf16le'));
    },
  },
  { name: 'fichier binaire (octets nuls) à la place des maires', commands: DATA, prepare: (dir) => writeFileSync(join(dir, 'data', 'maires.csv'), Buffer.concat([Buffer.from('Code;Nom\n'), Buffer.alloc(300, 0), Buffer.from([1, 2, 3, 0xff])])) },
  {
    name: 'champ de 1 Mo dans les mairies',
    commands: DATA,
    prepare: (dir) => {
      const path = flatMairies(dir);
      writeFileSync(path, readFileSync(path, 'utf8').replace('Le Bourg;;18250;Achères', `${'Le Bourg '.repeat(115_000)};;18250;Achères`));
    },
  },
  {
    name: 'adresse électronique de 600 Ko',
    commands: [['check'], ['preview', '45234']],
    prepare: (dir) => {
      const path = flatMairies(dir);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^(45234;[^;]*;)[^;]*;/m, `$1${'y'.repeat(600_000)}@orleans.example;`));
    },
  },
  {
    name: 'classeur xlsx abîmé',
    commands: DATA,
    prepare: (dir) => {
      writeFileSync(join(dir, 'data', 'mairies.xlsx'), Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(2000, 7)]));
      mairiesFile(dir, 'mairies.xlsx');
    },
  },
  {
    name: 'mairies aux fins de ligne mélangées (CRLF, LF, CR)',
    commands: [['check']],
    prepare: (dir) => {
      const path = flatMairies(dir);
      const lines = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, lines.map((l, i) => `${l}${['\r\n', '\n', '\r'][Math.floor((3 * i) / lines.length)]}`).join(''));
    },
  },
  { name: 'modèle avec une erreur lexicale', commands: TEXTS, prepare: (dir) => writeFileSync(join(dir, 'templates', 'lettre.hbs'), 'Bonjour,\n{{!-- jamais fermé\n') },
  { name: 'modèle {{commune.nom.length}}', commands: TEXTS, prepare: (dir) => writeFileSync(join(dir, 'templates', 'lettre.hbs'), 'Bonjour,\n\n{{commune.nom.length}}\n') },
  { name: 'modèle partiel {{> entete}}', commands: TEXTS, prepare: (dir) => writeFileSync(join(dir, 'templates', 'facebook.hbs'), '{{> entete}}\n') },
  {
    name: 'volontaires sans sources.inscriptions',
    commands: TEXTS,
    prepare: (dir) => yaml(dir, (y) => y.replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, '')),
  },
  {
    name: 'modèle sans droit de lecture',
    commands: TEXTS,
    prepare: (dir) => {
      chmodSync(join(dir, 'templates', 'sms.hbs'), 0o000);
      return { unprivileged: true, expect: /modèle illisible : templates\/sms\.hbs \(accès refusé/ };
    },
  },
  {
    name: 'init dans un dossier en lecture seule',
    commands: [['init']],
    prepare: (dir) => {
      mkdirSync(join(dir, 'lecture-seule'));
      chmodSync(join(dir, 'lecture-seule'), 0o555);
      return { unprivileged: true, extra: [join(dir, 'lecture-seule', 'nouvelle', 'campagne')], expect: /impossible de créer le dossier .*lecture-seule\/nouvelle\/campagne : accès refusé/ };
    },
  },
  {
    name: 'init sous un fichier',
    commands: [['init']],
    prepare: (dir) => ({ extra: [join(dir, 'campagne.yaml', 'nouvelle')], expect: /un élément du chemin est un fichier/ }),
  },
  {
    name: 'logo PNG coupé dans ses pixels',
    commands: ASSETS,
    prepare: (dir) => {
      writeFileSync(join(dir, 'logo.png'), cutInIdat(png));
      addToYaml(dir, 'logo: logo.png');
      return { expect: /logo\.png : image PNG tronquée/ };
    },
  },
  {
    name: 'signature JPEG tronquée',
    commands: ASSETS,
    prepare: (dir) => {
      writeFileSync(join(dir, 'signature.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01]));
      yaml(dir, (y) => y.replace('    genre: M\n    titre: |-', '    genre: M\n    signature: signature.jpg\n    titre: |-'));
      return { expect: /signature\.jpg : image JPEG tronquée/ };
    },
  },
  {
    name: 'police tronquée',
    commands: ASSETS,
    prepare: (dir) => {
      const font = readFileSync(FONT);
      writeFileSync(join(dir, 'police.ttf'), font.subarray(0, Math.floor(font.length / 2)));
      addToYaml(dir, 'polices:\n  normale: police.ttf');
      return { expect: /police\.ttf : police tronquée/ };
    },
  },
  {
    name: 'inscription datée du futur',
    commands: SIGNUPS,
    prepare: (dir) => {
      const path = join(dir, 'data', 'inscriptions.csv');
      writeFileSync(path, `${readFileSync(path, 'utf8')}V999999;2999-01-01 10:00;45;45000;Infirmier;soignant;inscrit\n`);
    },
  },
  {
    name: 'inscriptions sans droit de lecture',
    commands: SIGNUPS,
    prepare: (dir) => {
      chmodSync(join(dir, 'data', 'inscriptions.csv'), 0o000);
      return { unprivileged: true };
    },
  },
  {
    name: 'out est un fichier',
    commands: [['letters', '--commune', '45234'], ['posts', '--dep', '45'], ['send', '--commune', '45234', '--yes']],
    prepare: (dir) => {
      writeFileSync(join(dir, 'out'), 'un fichier, pas un dossier\n');
      return { expect: /impossible d'écrire/ };
    },
  },
  {
    name: 'track --from après --to',
    commands: [['track', '--from', '2020-04-10', '--to', '2020-04-01']],
    prepare: () => ({ expect: /--from 10\/04\/2020 est après --to 01\/04\/2020/ }),
  },
];

/** Every `message` of a JSON document, however deep. */
function messagesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === 'message' && typeof v === 'string' ? [v] : messagesOf(v)));
}

/** Runs `tasks` a few at a time: the machine has two cores, shared. */
async function limited<T>(tasks: Array<() => Promise<T>>, width = 3): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

describe('the sweep: every command against every kind of broken input', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const findings: string[] = [];
    const commands = commandsFor(c);
    await limited(
      commands.map((command) => async () => {
        const base = sampleCampaign(tempDir('relais-sweep-'));
        const setup = c.prepare(base) ?? {};
        const args = [...(setup.global ?? ['-C', base]), ...command, ...(setup.extra ?? []), '--json'];
        const r = await run(args, { ...(setup.env ? { env: setup.env } : {}), ...(setup.unprivileged ? { unprivileged: true } : {}) });
        const label = `relais ${command.join(' ')} (code ${r.code})`;
        let doc: unknown;
        try {
          doc = JSON.parse(r.stdout);
        } catch {
          findings.push(`${label} : stdout n'est pas un seul document JSON : ${r.stdout.slice(0, 200)}`);
        }
        // What the user reads: stderr, and every message of the JSON document (check's problems).
        const said = `${r.stderr}\n${messagesOf(doc).join('\n')}`;
        const foreign = foreignText(said);
        if (foreign) findings.push(`${label} : texte étranger « ${foreign} »`);
        for (const line of said.split('\n')) if (line.length > 2500) findings.push(`${label} : message de ${line.length} caractères`);
        if (r.code !== 0 && !said.trim()) findings.push(`${label} : échec sans message`);
        // count reads no campaign: a broken campaign is none of its business (the environment is).
        const concerned = command[0] !== 'count' || setup.env !== undefined || setup.global?.[1] === '';
        if (setup.expect && concerned && (r.code === 0 || !setup.expect.test(said))) findings.push(`${label} : message attendu ${setup.expect} absent :\n${said.slice(0, 600)}`);
        // Give the folder back so that the temporary copy can be removed.
        if (setup.unprivileged) chmodSync(base, 0o755);
        return r;
      }),
    );
    expect(findings).toEqual([]);
    tally.push([`entrée cassée : ${c.name} (commandes essayées)`, commands.length]);
  });
});

describe('the sweep itself', () => {
  it('recognises what it must refuse', () => {
    expect(foreignText('relais : erreur inattendue : boom')).toBeDefined();
    expect(foreignText("relais : EACCES: permission denied, open '/tmp/x/data/maires.csv'")).toBeDefined();
    expect(foreignText('relais : Lexical error on line 2. Unrecognized text.')).toBeDefined();
    expect(foreignText("relais : Cannot read properties of undefined (reading 'region')")).toBeDefined();
    expect(foreignText('relais : lecture impossible : accès refusé (droits insuffisants sur le fichier ou le dossier)')).toBeUndefined();
    expect(foreignText('data/maires.csv: fichier introuvable')).toBeUndefined();
  });
});
