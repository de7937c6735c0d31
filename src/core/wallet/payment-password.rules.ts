import { DomainError } from '../../lib/errors.ts';

export const MAX_WRONG_TRIES = 5;
export const LOCK_MINUTES = 30;

/**
 * A payment password (支付密码) is six digits, as on every Chinese payment terminal; the
 * guessable ones (one digit repeated, a run up or down) are refused.
 */
export function checkPasswordStrength(password: string, field = 'password'): void {
  if (!/^\d{6}$/.test(password)) throw new DomainError('payment_password.weak', { field });
  const digits = [...password].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => d - digits[i]!));
  if (steps.size === 1 && [0, 1, -1].includes([...steps][0]!))
    throw new DomainError('payment_password.weak', { field });
}

export interface TryState {
  failed_tries: number;
  locked_until: Date | null;
}

export const isLocked = (state: TryState, now: Date): boolean =>
  state.locked_until !== null && state.locked_until.getTime() > now.getTime();

/**
 * After a wrong password: the 5th wrong try in a row locks balance payment for 30 minutes and
 * starts the count again; a lock that has run out no longer counts.
 */
export function afterWrongTry(
  state: TryState,
  now: Date,
): TryState & { tries_left: number; locked: boolean } {
  const tries = state.failed_tries + 1;
  if (tries >= MAX_WRONG_TRIES) {
    const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    return { failed_tries: 0, locked_until: lockedUntil, tries_left: 0, locked: true };
  }
  return {
    failed_tries: tries,
    locked_until: null,
    tries_left: MAX_WRONG_TRIES - tries,
    locked: false,
  };
}

/** A payment above the merchant's threshold needs the password; no threshold: never. */
export const passwordRequired = (amountFen: number, thresholdFen: number | null): boolean =>
  thresholdFen !== null && amountFen > thresholdFen;
