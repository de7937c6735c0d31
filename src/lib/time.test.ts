import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { localDateOf, localWeekdayMinute } from './time.ts';

describe('localDateOf', () => {
  it('turns the date at the local midnight, not at UTC midnight', () => {
    expect(localDateOf(new Date('2026-03-01T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-03-01');
    expect(localDateOf(new Date('2026-03-01T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-03-02');
    // New York on the spring-forward day: midnight is still 05:00 UTC, the next one 04:00 UTC
    expect(localDateOf(new Date('2026-03-08T04:59:59.999Z'), 'America/New_York')).toBe(
      '2026-03-07',
    );
    expect(localDateOf(new Date('2026-03-09T03:59:59.999Z'), 'America/New_York')).toBe(
      '2026-03-08',
    );
    expect(localDateOf(new Date('2026-03-09T04:00:00.000Z'), 'America/New_York')).toBe(
      '2026-03-09',
    );
    expect(localDateOf(new Date('2026-12-31T23:59:59.999Z'), 'UTC')).toBe('2026-12-31');
  });

  it('agrees with Temporal (date, weekday, minute) for instants from 1970 to 2035 in zones with and without DST', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.UTC(2035, 11, 31) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const expected = Temporal.Instant.fromEpochMilliseconds(ms)
            .toZonedDateTimeISO(zone)
            .toPlainDate()
            .toString();
          expect(localDateOf(new Date(ms), zone)).toBe(expected);
          const zoned = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
          expect(localWeekdayMinute(new Date(ms), zone)).toEqual({
            weekday: zoned.dayOfWeek,
            minute: zoned.hour * 60 + zoned.minute,
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
