// Times on the wire are ISO-8601 with an offset, rendered in Europe/Oslo (api notes §1.1, CONTRACT.md §3.2);
// a value without an offset is read as Oslo local time.
export const OSLO = 'Europe/Oslo';

// Since 1996 Norway follows the EU rule: summer time (UTC+2) from 01:00 UTC on the last Sunday of March
// to 01:00 UTC on the last Sunday of October, otherwise UTC+1. Computing that by hand keeps ICU's time
// zone and locale data out of the daemon: the first Intl.DateTimeFormat costs ~8 MB of resident memory,
// a tenth of an idle daemon. Earlier instants (archive dates can be old) ask Intl, created on first need.
const EU_RULE_SINCE_YEAR = 1996;
let historicFormat: Intl.DateTimeFormat | undefined;

function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

function historicOffsetMinutes(date: Date): number {
  historicFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: OSLO, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const p: Record<string, number> = {};
  for (const part of historicFormat.formatToParts(date)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

/** Offset of Oslo local time from UTC at the given instant, in minutes (60 or 120). */
export function osloOffsetMinutes(date: Date): number {
  const t = date.getTime();
  const year = date.getUTCFullYear();
  if (year < EU_RULE_SINCE_YEAR) return historicOffsetMinutes(date);
  return t >= lastSundayAt0100Utc(year, 2) && t < lastSundayAt0100Utc(year, 9) ? 120 : 60;
}

/** The wall-clock fields of Oslo local time at the given instant, and the offset that gives them. */
function osloParts(date: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number; offset: number } {
  const offset = osloOffsetMinutes(date);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60000);
  return {
    year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(),
    hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(), offset,
  };
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** `2019-03-25T12:38:23+01:00` — milliseconds are kept only when not zero, as Jackson writes them. */
export function formatOslo(date: Date): string {
  const p = osloParts(date);
  const off = p.offset;
  const ms = date.getUTCMilliseconds();
  const frac = ms ? `.${pad(ms, 3)}` : '';
  const sign = off < 0 ? '-' : '+';
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}` +
    `${sign}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Parses an ISO-8601 date-time; without an offset it is Oslo local time. Returns undefined when invalid. */
export function parseDateTime(text: string): Date | undefined {
  const s = text.trim();
  if (WITH_ZONE.test(s)) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return undefined;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  const m = LOCAL.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const guess = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), ms);
  // Date.UTC rolls 2019-02-30 over into March; a date that does not come back as written is no date.
  const back = new Date(guess);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || back.getUTCHours() !== Number(h)
    || back.getUTCMinutes() !== Number(mi) || back.getUTCSeconds() !== Number(sec ?? 0)) return undefined;
  // Two passes settle the offset also around the DST switch.
  let t = guess - osloOffsetMinutes(new Date(guess)) * 60000;
  t = guess - osloOffsetMinutes(new Date(t)) * 60000;
  return new Date(t);
}
