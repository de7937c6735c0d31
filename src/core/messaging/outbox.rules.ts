import { addDays, localDateOf, localInstant, localWeekdayMinute } from '../../lib/time.ts';

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * When a marketing push written at `now` may go: `now`, or the local end of the quiet hours
 * it falls in (21:00–08:00 wraps midnight: at 23:00 it waits until 08:00 the next day).
 */
export function quietUntil(
  now: Date,
  zone: string,
  quiet: { quiet_start_minute: number | null; quiet_end_minute: number | null },
): Date {
  const { quiet_start_minute: start, quiet_end_minute: end } = quiet;
  if (start === null || end === null) return now;
  const { minute } = localWeekdayMinute(now, zone);
  if (!isQuietMinute(minute, start, end)) return now;
  const today = localDateOf(now, zone);
  const day = start > end && minute >= start ? addDays(today, 1) : today;
  return localInstant(`${day}T${hhmm(end)}`, zone);
}

/** Minutes since local midnight inside the quiet window [start, end) (start > end wraps midnight). */
export function isQuietMinute(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}
