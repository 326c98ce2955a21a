import { runFailures, type RunResult } from './schedule.js';

/**
 * Whether a publishing run failed, decided once for `run` and `schedule run` (`runFailures`): a
 * post refused by its network, one whose outcome is unknown, a late post held back, a credential
 * the network refused, an outage, or a due post that did not go for a reason of no time (a video
 * still processing when relais stopped waiting). A post deferred to the reset time a network gave
 * waits for the next run: not a failure. Emails have theirs in send.ts (`emailsOk`).
 */
export function postsOk(r: RunResult): boolean {
  return runFailures(r) === 0;
}
