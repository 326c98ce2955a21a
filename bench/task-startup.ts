/** Bench task: `relais count`, the lightest command: what starting relais costs a user. */
import { main } from '../src/cli/main.js';
import { report } from './measure.js';

const code = await main(['node', 'relais', 'count', '--channel', 'x', 'Bonjour les maires']);
report({ code });
