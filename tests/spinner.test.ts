import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';

/** What relais writes on stderr when stderr is a terminal of the given width (script, from util-linux); stdout goes nowhere. */
function stderrOnTerminal(args: string[], columns: number, env: Record<string, string> = {}): { code: number | null; output: string } {
  ensureDebianPackage('/usr/bin/script', 'bsdutils');
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')} > /dev/null`;
  const r = spawnSync('script', ['-qefc', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '', ...env } });
  return { code: r.status, output: r.stdout };
}

const FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

describe('the spinner of check, on a real terminal', () => {
  it('draws one line cut to the width of the terminal, then erases it and shows the cursor again', () => {
    const dir = sampleCampaign();
    const { code, output } = stderrOnTerminal(['-C', dir, 'check'], 20);
    expect(code).toBe(0);
    expect(output.startsWith('\u001b[?25l')).toBe(true);
    // Every drawing starts by clearing the line; none is wider than the terminal (it would wrap,
    // and the next clearing would leave the first half on the screen).
    const drawings = output.split('\r\u001b[K').slice(1);
    expect(drawings.length).toBeGreaterThan(1);
    const frames = drawings.filter((d) => FRAME.test(d));
    expect(frames.length).toBeGreaterThan(0);
    for (const d of frames) {
      expect(d).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Vérificati/);
      expect([...d].length).toBeLessThan(20);
    }
    expect(frames[0]).toBe('⠋ Vérification de…');
    expect(output.endsWith('\r\u001b[K\u001b[?25h')).toBe(true);
  });

  it('draws nothing when CI is set, nor on a terminal that says no width', () => {
    const dir = sampleCampaign();
    expect(stderrOnTerminal(['-C', dir, 'check'], 80, { CI: '1' }).output).not.toMatch(FRAME);
    expect(stderrOnTerminal(['-C', dir, 'check'], 0).output).not.toMatch(FRAME);
  });
});
