import { dayOf } from './aggregate.js';

/** Quarter-hours: every zone's offset and every change of it fall on one. */
const QUARTER = 900_000;

/**
 * The day a sign-up written as an instant (« 2020-03-26T23:30:00Z », « …+02:00 ») falls on where
 * the campaign is (regionZone): platforms that export in UTC put an evening sign-up in Paris on
 * the next day otherwise. A date written without an offset is the day as written (the platform's
 * own clock).
 */
export class ZoneDays {
  /** Made at the first instant: a zone's formatter costs some 20 ms, and most exports have none. */
  private format: Intl.DateTimeFormat | undefined;
  /** Day numbers by quarter-hour: a million sign-ups fall in a few thousand of them. */
  private readonly byQuarter = new Map<number, number>();

  constructor(readonly zone: string) {}

  /** The day number (see dayOf) of an instant, in the zone. */
  dayAt(ms: number): number {
    const quarter = Math.floor(ms / QUARTER);
    let day = this.byQuarter.get(quarter);
    if (day === undefined) {
      this.format ??= new Intl.DateTimeFormat('en-CA', { timeZone: this.zone, year: 'numeric', month: '2-digit', day: '2-digit' });
      day = dayOf(this.format.format(new Date(quarter * QUARTER)));
      this.byQuarter.set(quarter, day);
    }
    return day;
  }
}

/**
 * The offset in minutes a time of day ends with (« Z », « UTC », « GMT » 0, « +02:00 » 120, « -0330 » -210, « +01 » 60), or
 * undefined when it has none. The time itself was checked by isTimeOfDay.
 */
export function timeOffset(time: string): number | undefined {
  const t = time.trim();
  if (t.endsWith('Z') || t.endsWith('UTC') || t.endsWith('GMT')) return 0;
  const m = /([+-])(\d{2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}
