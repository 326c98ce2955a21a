/**
 * Ctrl-C and SIGTERM (a service manager, `timeout`) for the long commands — letters, send,
 * schedule run --watch, run: the signal aborts the work, which stops between two letters, emails
 * or posts, gives what is in flight a short grace, and records what it knows. A second signal
 * ends the process at once (the journal is made for that). Once an interrupted command has
 * returned, the launcher exits without waiting for connections a stalled server still holds.
 */
let received = false;

export function interruption(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = () => {
    received = true;
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export const wasInterrupted = (): boolean => received;
