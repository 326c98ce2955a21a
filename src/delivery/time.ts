import { zonePlace } from '../data/zones.js';
import { RelaisError } from '../errors.js';

/**
 * Due times as people write them: "2020-04-11 09:00" in Europe/Paris (or --tz), an ISO 8601
 * instant with its offset, or "now". A local time that does not exist (the spring-forward gap) or
 * exists twice (the autumn fold) is refused: schedulers that guess shift posts by an hour.
 */
export interface DueTime {
  utc: Date;
  /** As the user wrote it, in their zone: what `schedule list` shows. */
  local: string;
  tz: string;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
/** « 11/04/2031 09:00 »: how Excel (French settings) writes a date and time back into a CSV. */
const FRENCH_LOCAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) +(\d{1,2})[:hH](\d{2})(?::(\d{2}))?$/;
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export function checkZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone: tz });
    return tz;
  } catch {
    throw new RelaisError(`fuseau horaire inconnu : « ${tz} » (par exemple Europe/Paris, America/Cayenne)`, { field: '--tz' });
  }
}

/**
 * One formatter per zone: a local time is matched against 121 candidate instants (parseDue), and
 * making a formatter costs fifty times more than using one (some 15 ms per publication planned).
 */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a zone. */
function wallClock(ms: number, tz: string): number[] {
  let format = wallClocks.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(tz, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
}

export function formatLocal(date: Date, tz: string): string {
  const [y, m, d, h, min] = wallClock(date.getTime(), tz).map((n) => String(n).padStart(2, '0'));
  return `${y}-${m}-${d} ${h}:${min}`;
}

/**
 * An instant as the zone's clock reads it, with the zone's offset then (« 2031-10-26T02:30+02:00 »):
 * how to name one of the two readings of an hour the clock repeats, in the words the user wrote it.
 */
export function formatWithOffset(date: Date, tz: string): string {
  const [y, mo, d, h, mi, sec] = wallClock(date.getTime(), tz) as [number, number, number, number, number, number];
  const offset = Math.round((Date.UTC(y, mo - 1, d, h, mi, sec) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}${sec ? `:${pad(sec)}` : ''}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The clock an hour without offset is read on, said in words (« heure de La Réunion, fuseau Indian/Reunion »). */
function zoneClock(tz: string): string {
  const place = zonePlace(tz);
  return place.startsWith('au fuseau') ? `heure du fuseau ${tz}` : `heure ${place.replace(/^(à|en) /, 'de ')}, fuseau ${tz}`;
}

export function parseDue(value: string, tz: string, now: Date, options: { allowPast?: boolean } = {}): DueTime {
  checkZone(tz);
  const text = value.trim();
  if (text === 'now' || text === 'maintenant') return { utc: now, local: formatLocal(now, tz), tz };
  let utc: Date;
  const french = FRENCH_LOCAL.exec(text);
  const local = LOCAL.exec(text) ?? (french ? ([text, french[3], french[2], french[1], french[4], french[5], french[6]] as unknown as RegExpExecArray) : null);
  if (ISO_OFFSET.test(text)) {
    utc = new Date(text);
    // Date() rolls 30 February over to March: the calendar date must exist as written.
    const [y, mo, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, mo - 1, d));
    if (Number.isNaN(utc.getTime()) || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) throw new RelaisError(`date « ${value} » : ce jour n'existe pas`, { field: '--at' });
  } else if (local) {
    const fields = local.slice(1, 7).map((v) => Number(v ?? 0));
    const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    const check = new Date(asUtc);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new RelaisError(`date « ${value} » : ce jour ou cette heure n'existe pas`, { field: '--at' });
    // Every instant whose wall clock in the zone reads this local time: offsets are within ±15 h.
    const candidates = new Set<number>();
    for (let offsetMin = -15 * 60; offsetMin <= 15 * 60; offsetMin += 15) {
      const t = asUtc - offsetMin * 60_000;
      const wc = wallClock(t, tz);
      if (wc.every((v, i) => v === fields[i])) candidates.add(t);
    }
    if (candidates.size === 0) {
      throw new RelaisError(`« ${value} » n'existe pas à ${tz} (changement d'heure : les horloges sautent cette heure-là) ; choisissez une autre heure`, { field: '--at' });
    }
    if (candidates.size > 1) {
      const [a, b] = [...candidates].sort((x, y2) => x - y2).map((t) => formatWithOffset(new Date(t), tz));
      throw new RelaisError(`« ${value} » existe deux fois à ${tz} (les horloges reculent d'une heure) : écrivez l'instant voulu avec son décalage, ${a} (la première fois) ou ${b} (la seconde)`, { field: '--at' });
    }
    utc = new Date([...candidates][0]!);
  } else {
    throw new RelaisError(`date « ${value} » illisible : attendu « AAAA-MM-JJ HH:MM » ou « JJ/MM/AAAA HH:MM » (${zoneClock(tz)}), un instant ISO 8601 avec son décalage, ou « now »`, { field: '--at' });
  }
  if (!options.allowPast && utc.getTime() < now.getTime() - 60_000) {
    throw new RelaisError(`« ${value} » est dans le passé (il est ${formatLocal(now, tz)} ${zonePlace(tz)}) ; « now » publie tout de suite`, { field: '--at' });
  }
  return { utc, local: formatLocal(utc, tz), tz };
}
