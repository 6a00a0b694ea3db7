import { OSLO } from '../domain/index.js';
import { UpdateSetupError } from './errors.js';

// When a switch to a new version may happen, in Oslo local time (DST included): one or more windows
// separated by `;`, each `[DAYS ]HH:MM-HH:MM`, e.g. `MON-FRI 02:00-04:00; SAT,SUN 00:00-06:00`. Without
// days a window is every day. A window may cross midnight (`FRI 22:00-02:00` ends Saturday 02:00); its
// days name the day it opens. The reference has no window; its cron is the window (ops notes §1.7). Here
// the cron decides when to check, and a version found outside the window is downloaded and verified
// at once but switched to only inside it.
export interface MaintenanceWindow {
  contains(now: Date): boolean;
  /** Cron patterns (seconds field first) firing when each window opens, so a staged version is switched to then. */
  openings(): string[];
}

interface Span {
  days: ReadonlySet<number>;
  startMinute: number;
  endMinute: number;
}

const DAY_NAMES = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
const SPAN = /^(?:([A-Za-z,\- ]+?)\s+)?(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/;
const ALL_DAYS: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6]);

const localFormat = new Intl.DateTimeFormat('en-GB', { timeZone: OSLO, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function parseMaintenanceWindow(text: string): MaintenanceWindow {
  const spans = text.split(';').map((s) => s.trim()).filter((s) => s !== '').map(parseSpan);
  if (spans.length === 0) throw new UpdateSetupError(`maintenance window '${text}' names no window`);
  return {
    contains: (now) => {
      const { day, minute } = osloDayAndMinute(now);
      return spans.some((s) => spanContains(s, day, minute));
    },
    openings: () => spans.map(openingCron),
  };
}

function parseSpan(text: string): Span {
  const m = SPAN.exec(text);
  if (!m) throw new UpdateSetupError(`maintenance window '${text}' is not [DAYS ]HH:MM-HH:MM`);
  const [, dayText, sh, sm, eh, em] = m;
  const startMinute = minuteOfDay(text, Number(sh), Number(sm), false);
  const endMinute = minuteOfDay(text, Number(eh), Number(em), true);
  if (startMinute === endMinute) throw new UpdateSetupError(`maintenance window '${text}' is empty`);
  return { days: dayText ? parseDays(dayText, text) : ALL_DAYS, startMinute, endMinute };
}

function minuteOfDay(text: string, hour: number, minute: number, isEnd: boolean): number {
  const total = hour * 60 + minute;
  if (minute > 59 || total > 24 * 60 || (!isEnd && total === 24 * 60)) throw new UpdateSetupError(`maintenance window '${text}' has a time outside the day`);
  return total;
}

function parseDays(dayText: string, text: string): ReadonlySet<number> {
  const days = new Set<number>();
  for (const part of dayText.split(',').map((p) => p.trim().toUpperCase())) {
    const [from = -1, to = from, ...rest] = part.split('-').map((d) => DAY_NAMES.indexOf(d.trim() as (typeof DAY_NAMES)[number]));
    if (from < 0 || to < 0 || rest.length > 0) throw new UpdateSetupError(`maintenance window '${text}': '${part}' is not a day or day range (MON…SUN)`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  return days;
}

function spanContains(span: Span, day: number, minute: number): boolean {
  if (span.startMinute < span.endMinute) return span.days.has(day) && minute >= span.startMinute && minute < span.endMinute;
  const previous = (day + 6) % 7;
  return (span.days.has(day) && minute >= span.startMinute) || (span.days.has(previous) && minute < span.endMinute);
}

function osloDayAndMinute(now: Date): { day: number; minute: number } {
  const parts: Record<string, string> = {};
  for (const p of localFormat.formatToParts(now)) parts[p.type] = p.value;
  const day = DAY_NAMES.indexOf((parts.weekday ?? '').toUpperCase() as (typeof DAY_NAMES)[number]);
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** croner numbers days from Sunday = 0. */
function openingCron(span: Span): string {
  const days = [...span.days].map((d) => (d + 1) % 7).sort((a, b) => a - b).join(',');
  return `0 ${span.startMinute % 60} ${Math.floor(span.startMinute / 60)} * * ${days}`;
}
