import { Temporal } from 'temporal-polyfill';

// The one local-time module: calendar arithmetic in a merchant's zone. Loyalty dates (expiry,
// reviews, months of service rights, birthdays, campaign days, paid periods) are local days or
// local instants, so they are computed here; a local day is stored as its midnight's instant.

export function isValidTimeZone(zone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
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

// One formatter per zone: building one (or going through the Temporal polyfill) costs far more
// than formatting. A checkout asks for the local date and weekday of the same instant several
// times, so the last instant's parts are kept.
const formats = new Map<string, Intl.DateTimeFormat>();
const formatOf = (zone: string) => {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(zone, format);
  }
  return format;
};

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface LocalParts {
  date: string;
  /** ISO weekday, Monday 1 … Sunday 7 */
  weekday: number;
  minute: number;
}

let last: { ms: number; zone: string; parts: LocalParts } | null = null;

function localPartsOf(at: Date, zone: string): LocalParts {
  const ms = at.getTime();
  if (last?.ms === ms && last.zone === zone) return last.parts;
  const p: Record<string, string> = {};
  for (const part of formatOf(zone).formatToParts(at)) p[part.type] = part.value;
  const parts = {
    date: `${p.year!.padStart(4, '0')}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday!]!,
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
  last = { ms, zone, parts };
  return parts;
}

/** The calendar date of an instant in `zone`, as `YYYY-MM-DD`. */
export const localDateOf = (at: Date, zone: string): string => localPartsOf(at, zone).date;

/** `YYYY-MM` of an instant in `zone`. */
export const localMonthOf = (at: Date, zone: string): string => localDateOf(at, zone).slice(0, 7);

/** The instant a local day starts (00:00, or the first valid time on a DST-gap day). */
export function startOfLocalDay(date: string, zone: string): Date {
  const zoned = Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone });
  return new Date(zoned.epochMilliseconds);
}

/** The instant of a local wall-clock time `YYYY-MM-DDTHH:mm` in `zone` (a DST gap moves later). */
export function localInstant(dateTime: string, zone: string): Date {
  const zoned = Temporal.PlainDateTime.from(dateTime).toZonedDateTime(zone);
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

/** `months` calendar months after the instant `from`, in `zone` (Jan 31 + 1 month = Feb 28/29). */
export function addLocalMonths(from: Date, months: number, zone: string): Date {
  const end = Temporal.Instant.fromEpochMilliseconds(from.getTime())
    .toZonedDateTimeISO(zone)
    .add({ months });
  return new Date(end.epochMilliseconds);
}

/** ISO weekday (1 = Monday) and minutes since local midnight of an instant in `zone`. */
export function localWeekdayMinute(at: Date, zone: string): { weekday: number; minute: number } {
  const { weekday, minute } = localPartsOf(at, zone);
  return { weekday, minute };
}
