import type { RunResult } from './schedule.js';

/**
 * Whether a publishing run failed, decided once for `run` (and meant for `schedule run`): a post
 * refused by its network, one whose outcome is unknown, or a credential the network refused. A
 * post deferred to a rate-limit reset or to a network that did not answer waits for the next run:
 * not a failure. Emails have theirs in send.ts (`emailsOk`).
 */
export function postsOk(r: Pick<RunResult, 'failed' | 'unconfirmed' | 'authErrors'>): boolean {
  return r.failed.length === 0 && r.unconfirmed.length === 0 && r.authErrors.length === 0;
}
