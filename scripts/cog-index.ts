/**
 * Part of `npm run build`: writes the compact commune index (dist/cog/communes.json) that every
 * command reads instead of the package's 8.6 MB file (see CompactCommunes in src/data/cog.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPACT_COMMUNES, communesSource, compactCommunes, publishedCommunes } from '../src/data/cog.js';
import { packageRoot } from '../src/paths.js';

const target = join(packageRoot(), COMPACT_COMMUNES);
const { version, size } = communesSource();
mkdirSync(dirname(target), { recursive: true });
// Written aside then renamed: a command started during the build reads a whole index or none.
writeFileSync(`${target}.tmp`, JSON.stringify(compactCommunes(publishedCommunes(), { version, size })));
renameSync(`${target}.tmp`, target);
