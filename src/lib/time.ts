import { Temporal } from 'temporal-polyfill';

export function isValidTimeZone(zone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date of an instant in a merchant's zone, as `YYYY-MM-DD`. */
export function localDate(now: Date, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .toString();
}

/** A valid calendar date `YYYY-MM-DD` not after `today`. */
export function isValidPastDate(value: string, today: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try {
    const date = Temporal.PlainDate.from(value, { overflow: 'reject' });
    return (
      date.year >= 1900 && Temporal.PlainDate.compare(date, Temporal.PlainDate.from(today)) <= 0
    );
  } catch {
    return false;
  }
}
