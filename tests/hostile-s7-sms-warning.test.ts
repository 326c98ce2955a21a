import { describe, expect, it } from 'vitest';
import { relaisJson } from './helpers/cli.js';

/**
 * A short SMS with a curly apostrophe (as every word processor types it) stays one SMS in UCS-2
 * and would be one SMS in GSM-7. The warning says « 1 SMS au lieu de 1 »: a comparison that
 * compares nothing (src/channels/sms.ts). It should say what the switch costs here — the room
 * left (70 characters instead of 160) — or only the parts when they differ.
 */
describe('relais count --channel sms with a curly apostrophe, one part either way', () => {
  it('does not say « 1 SMS au lieu de 1 »', async () => {
    const { json } = await relaisJson<{ parts: number; suggestion: { parts: number }; problems: Array<{ message: string }> }>([
      'count',
      '--channel',
      'sms',
      'Réunion à 18 h, c’est noté.',
    ]);
    expect(json.parts).toBe(1);
    expect(json.suggestion.parts).toBe(1);
    expect(json.problems.map((p) => p.message).join('\n')).toMatch(/UCS-2/);
    expect(json.problems.map((p) => p.message).join('\n')).not.toMatch(/1 SMS au lieu de 1\b/);
  });
});
