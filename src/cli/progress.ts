import type { Output } from './output.js';

/**
 * Progress of a long run on a terminal: count, rate and remaining time, in French. Nothing at all
 * when stderr is not a TTY (logs and CI stay clean).
 */
export function progressReporter(out: Output, label: string): { update(done: number, total: number): void; stop(): void } {
  // Started with the first piece of work, not before: a confirmation asked first (send) must not
  // have a spinner drawing over it.
  let spinner: ReturnType<Output['spinner']> | null = null;
  const start = Date.now();
  let last = 0;
  return {
    update(done, total) {
      if (spinner === null) spinner = out.spinner(label);
      if (!spinner) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const seconds = (now - start) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const remaining = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      spinner.text = `${label} ${done.toLocaleString('fr-FR')} / ${total.toLocaleString('fr-FR')} — ${Math.round(rate).toLocaleString('fr-FR')} par seconde${done < total ? `, encore ${remaining} s` : ''}`;
    },
    stop() {
      spinner?.stop();
    },
  };
}
