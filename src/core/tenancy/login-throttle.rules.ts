/**
 * Login throttling as a growing delay, never a lock: the first `freeFailures` failures in a row
 * cost nothing, then each one makes the next attempt wait `firstDelayMs`, doubling up to
 * `maxDelayMs`. A streak is forgotten once its delay has passed and `FORGET_MS` followed without
 * a failure, so a stranger's occasional wrong guess cannot keep an account shut.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface Streak {
  failures: number;
  last_failed_at: Date;
}

const FORGET_MS = 15 * 60_000;

/** Per login name: a person mistyping gets five tries, a guesser 15 s, 30 s, … up to 15 min. */
export const LOGIN_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  firstDelayMs: 15_000,
  maxDelayMs: 15 * 60_000,
};

/** Per client address, across logins: a shop's tills share one address, so it allows more. */
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  firstDelayMs: 15_000,
  maxDelayMs: 15 * 60_000,
};

/** The wait imposed after `failures` failures in a row. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.firstDelayMs * 2 ** (failures - policy.freeFailures), policy.maxDelayMs);
}

/** Failures that still count at `now`: 0 once the streak has been forgotten. */
function liveFailures(streak: Streak | undefined, now: Date, policy: ThrottlePolicy): number {
  if (!streak) return 0;
  const forgetAt =
    streak.last_failed_at.getTime() + delayAfter(streak.failures, policy) + FORGET_MS;
  return now.getTime() >= forgetAt ? 0 : streak.failures;
}

/** Milliseconds until the next attempt is allowed; 0 = now. */
export function waitMs(streak: Streak | undefined, now: Date, policy: ThrottlePolicy): number {
  const failures = liveFailures(streak, now, policy);
  if (!streak || failures === 0) return 0;
  const allowedAt = streak.last_failed_at.getTime() + delayAfter(failures, policy);
  return Math.max(0, allowedAt - now.getTime());
}

/** The streak after one more failure at `now` (a forgotten streak starts again at 1). */
export function afterFailure(
  streak: Streak | undefined,
  now: Date,
  policy: ThrottlePolicy,
): Streak {
  return { failures: liveFailures(streak, now, policy) + 1, last_failed_at: now };
}

/** A row older than this is forgotten under every policy and may be deleted. */
export const STALE_AFTER_MS =
  Math.max(LOGIN_POLICY.maxDelayMs, ADDRESS_POLICY.maxDelayMs) + FORGET_MS;

/**
 * The unit a client address is throttled as: an IPv4 address, or the /64 network of an IPv6
 * one (a single client usually holds a whole /64, so stepping through it buys no fresh tries).
 */
export function addressScope(ip: string): string {
  const address = ip.toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const gap = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  const groups = [...left, ...gap, ...right].slice(0, 4);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
