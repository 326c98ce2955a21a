import { describe, expect, it } from 'vitest';
import { relais } from './helpers/cli.js';

/**
 * Step 9 of the README guide: the agent types `relais track --help` to find how to get a CSV.
 * The help is French — except commander's own « (default: "departement") » under --by; and
 * `relais schedule add --help` shows « (default: []) » twice (--media, --alt). The README and the
 * brief promise all user-facing text in French, help included; tests/cli-help.test.ts checks
 * « Usage » and « Options: » but not this word. A user expects « (par défaut : departement) »,
 * or nothing for an empty list.
 */
describe('the help of track and schedule add', () => {
  it.each([[['track', '--help']], [['schedule', 'add', '--help']]])('relais %j says its defaults in French', async (args) => {
    const r = await relais(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Utilisation : relais');
    // Now: « (default: "departement") », « (default: []) ».
    expect(r.stdout).not.toMatch(/\(default:/);
  });
});
