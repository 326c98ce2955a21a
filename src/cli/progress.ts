import type { Output } from './output.js';

/**
 * Progress of a long run on a terminal: count, rate and remaining time, in French. Nothing at all
 * when stderr is not a TTY (logs and CI stay clean).
 */
/** A second count shown after the first, on the same line: the print files after the letters. */
export interface ProgressThen {
  label: string;
  done: number;
  total: number;
}

export function progressReporter(out: Output, label: string): { update(done: number, total: number, then?: ProgressThen): void; stop(): void } {
  // Started with the first piece of work, not before: a confirmation asked first (send) must not
  // have a spinner drawing over it.
  let spinner: ReturnType<Output['spinner']> | null = null;
  const start = Date.now();
  let last = 0;
  let ended = 0;
  const n = (x: number) => x.toLocaleString('fr-FR');
  return {
    update(done, total, then) {
      if (spinner === null) spinner = out.spinner(label);
      if (!spinner) return;
      const now = Date.now();
      const finished = done >= total && (!then || then.done >= then.total);
      if (now - last < 100 && !finished) return;
      last = now;
      // Once the first count is done its rate stays as it was: the second count's time is not its own.
      if (then && ended === 0 && done >= total) ended = now;
      const seconds = ((ended || now) - start) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const remaining = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      // The rate and the time left are those of the first count: the second is another kind of work.
      spinner.text = `${label} ${n(done)} / ${n(total)} — ${n(Math.round(rate))} par seconde${done < total ? `, encore ${remaining} s` : ''}${then ? ` ; ${then.label} ${n(then.done)} / ${n(then.total)}` : ''}`;
    },
    stop() {
      spinner?.stop();
    },
  };
}
