import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';


describe('Ctrl-C during letters', () => {
  it('says how many of the 597 letters were written, not "sur 638" (the letters of the print files counted twice)', async () => {
    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'letters'], { env: { ...process.env, NO_COLOR: '1', RELAIS_WORKERS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await waitFor(() => readdirSync(join(dir, 'out', 'lettres', '37')).some((f) => f.endsWith('.pdf')));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, 'the letters finished before the signal: nothing to test').toBe(1);
    // 597 communes, 597 letter files; 41 of them also go into the print files.
    // It used to say "interrompu : 12 lettres écrites sur 638 ; relancez la même commande pour continuer".
    expect(stderr).toMatch(/interrompu/);
    expect(stderr).not.toContain('638');
    expect(stderr).toMatch(/sur 597\b/);
  });
});
