import { Temporal } from 'temporal-polyfill';

// Calendar arithmetic in a merchant's zone. Loyalty dates (expiry, reviews, months of service
// rights, birthdays, campaign days) are local days, so they are computed here and stored as
// the instant of a local midnight.

/** The calendar date of an instant in `zone`, as `YYYY-MM-DD`. */
export function localDateOf(at: Date, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime())
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .toString();
}

/** `YYYY-MM` of an instant in `zone`. */
export const localMonthOf = (at: Date, zone: string): string => localDateOf(at, zone).slice(0, 7);

/** The instant a local day starts (00:00, or the first valid time on a DST-gap day). */
export function startOfLocalDay(date: string, zone: string): Date {
  const zoned = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone });
  return new Date(zoned.epochMilliseconds);
}

/** Adds calendar months; a day that does not exist clamps to the month's last day. */
export function addMonths(date: string, months: number): string {
  return Temporal.PlainDate.from(date).add({ months }, { overflow: 'constrain' }).toString();
}

export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

/** First day of the month `months` after the month of `date` (negative goes back). */
export function firstOfMonth(date: string, months = 0): string {
  return Temporal.PlainDate.from(date).with({ day: 1 }).add({ months }).toString();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
