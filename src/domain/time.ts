// Times on the wire are ISO-8601 with an offset, rendered in Europe/Oslo (api notes §1.1, CONTRACT.md §3.2);
// a value without an offset is read as Oslo local time.
export const OSLO = 'Europe/Oslo';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: OSLO,
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
});

function osloParts(date: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of partsFormat.formatToParts(date)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of Oslo local time from UTC at the given instant, in minutes (60 or 120). */
export function osloOffsetMinutes(date: Date): number {
  const p = osloParts(date);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** `2019-03-25T12:38:23+01:00` — milliseconds are kept only when not zero, as Jackson writes them. */
export function formatOslo(date: Date): string {
  const p = osloParts(date);
  const off = osloOffsetMinutes(date);
  const ms = date.getUTCMilliseconds();
  const frac = ms ? `.${pad(ms, 3)}` : '';
  const sign = off < 0 ? '-' : '+';
  return `${p.year}-${pad(p.month ?? 0)}-${pad(p.day ?? 0)}T${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}:${pad(p.second ?? 0)}${frac}` +
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
