import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADDRESS_POLICY,
  addressScope,
  afterFailure,
  delayAfter,
  LOGIN_POLICY,
  STALE_AFTER_MS,
  type Streak,
  waitMs,
} from './login-throttle.rules.ts';

const t0 = new Date('2026-12-01T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;

function fail(times: number, from = t0): Streak | undefined {
  let streak: Streak | undefined;
  for (let i = 0; i < times; i++) streak = afterFailure(streak, from, LOGIN_POLICY);
  return streak;
}

describe('login throttle rules', () => {
  it('five free failures, then 15 s doubling up to 15 minutes', () => {
    expect([4, 5, 6, 7, 10, 11, 50, 2000].map((n) => delayAfter(n, LOGIN_POLICY))).toEqual([
      0,
      15_000,
      30_000,
      60_000,
      8 * MIN,
      15 * MIN,
      15 * MIN,
      15 * MIN,
    ]);
    expect(waitMs(fail(4), t0, LOGIN_POLICY)).toBe(0);
    expect(waitMs(fail(5), t0, LOGIN_POLICY)).toBe(15_000);
    expect(waitMs(fail(5), at(15_000), LOGIN_POLICY)).toBe(0);
  });

  it('forgets a streak after its delay and a quiet quarter of an hour (the old lock never reset)', () => {
    const five = fail(5);
    // the old code: one wrong try after the lock expired locked the account again
    const later = afterFailure(five, at(15_000 + 15 * MIN), LOGIN_POLICY);
    expect(later.failures).toBe(1);
    expect(waitMs(later, later.last_failed_at, LOGIN_POLICY)).toBe(0);
    // within the quiet period the streak still counts
    expect(afterFailure(five, at(15_000 + 14 * MIN), LOGIN_POLICY).failures).toBe(6);
  });

  it('never waits past the cap, and every streak is stale after STALE_AFTER_MS', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 * MIN }), { maxLength: 60 }),
        fc.constantFrom(LOGIN_POLICY, ADDRESS_POLICY),
        (gaps, policy) => {
          let streak: Streak | undefined;
          let now = t0.getTime();
          for (const gap of gaps) {
            now += gap;
            const wait = waitMs(streak, new Date(now), policy);
            expect(wait).toBeGreaterThanOrEqual(0);
            expect(wait).toBeLessThanOrEqual(policy.maxDelayMs);
            if (wait === 0) streak = afterFailure(streak, new Date(now), policy);
          }
          if (streak) {
            const stale = new Date(streak.last_failed_at.getTime() + STALE_AFTER_MS);
            expect(waitMs(streak, stale, policy)).toBe(0);
            expect(afterFailure(streak, stale, policy).failures).toBe(1);
          }
        },
      ),
    );
  });

  it('throttles an IPv6 client by its /64 and an IPv4-mapped one as IPv4', () => {
    expect(addressScope('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressScope('2001:0DB8:0001:0002:bbbb:cccc:dddd:2')).toBe('2001:db8:1:2::/64');
    expect(addressScope('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressScope('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressScope('::1')).toBe('0:0:0:0::/64');
    expect(addressScope('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressScope('203.0.113.9')).toBe('203.0.113.9');
  });
});
