/**
 * After Ctrl-C or SIGTERM, what is in flight (an email the SMTP server has not acknowledged, a
 * post the API has not answered) gets a short grace: most answers come within it and the journal
 * then knows the outcome. Past it, relais stops waiting: the request left and no answer came, so
 * the outcome is unknown — recorded as such, never retried on its own. A stalled server cannot
 * hold an interrupted run for the length of its timeout.
 */
const GRACE_MS = 2000;

export function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined, giveUp: () => Error): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const start = () => {
      timer = setTimeout(() => reject(giveUp()), GRACE_MS);
    };
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', start);
    };
    work.then(
      (value) => (settle(), resolve(value)),
      (err: unknown) => (settle(), reject(err)),
    );
    if (signal.aborted) start();
    else signal.addEventListener('abort', start, { once: true });
  });
}

/**
 * A pause that ends at once on interruption. Its listener goes with it: a send paced by --rate
 * pauses once a message, and the signal must not collect thousands of them.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const wake = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}
