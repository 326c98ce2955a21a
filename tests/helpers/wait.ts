/**
 * Polls until the condition holds (a child process reached the point a test interrupts, a file
 * appeared): a condition that throws is "not yet". No deadline of its own: vitest's timeout bounds it.
 */
export function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      let ok = false;
      try {
        ok = condition();
      } catch {
        // not there yet
      }
      if (ok) {
        clearInterval(t);
        resolve();
      }
    }, 10);
  });
}
