import { createInterface } from 'node:readline/promises';

/**
 * A yes/no question on the terminal, « non » unless the user types o (or oui). On a terminal
 * readline takes Ctrl-C for itself: it answers « non » instead of leaving the question waiting.
 */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const cancel = new AbortController();
  rl.on('SIGINT', () => cancel.abort());
  try {
    const answer = await rl.question(`${question} [o/N] `, { signal: cancel.signal });
    return /^(o|oui|y|yes)$/i.test(answer.trim());
  } catch (err) {
    if (cancel.signal.aborted) return false;
    throw err;
  } finally {
    rl.close();
  }
}
