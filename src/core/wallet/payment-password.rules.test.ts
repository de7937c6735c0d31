import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import {
  afterWrongTry,
  checkPasswordStrength,
  isLocked,
  passwordRequired,
  type TryState,
} from './payment-password.rules.ts';

describe('payment password rules', () => {
  it('six digits, not repeated or sequential', () => {
    for (const weak of ['12345', '1234567', 'abcdef', '111111', '123456', '654321', '12 456'])
      expect(() => checkPasswordStrength(weak), weak).toThrow(DomainError);
    for (const ok of ['135790', '120345', '000001', '909090']) checkPasswordStrength(ok);
  });

  it('the 5th wrong try in a row locks for 30 minutes; the lock then runs out', () => {
    const now = new Date('2027-01-01T10:00:00Z');
    let state: TryState = { failed_tries: 0, locked_until: null };
    const left: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = afterWrongTry(state, now);
      left.push(next.tries_left);
      state = next;
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    expect(state.locked_until).toEqual(new Date('2027-01-01T10:30:00Z'));
    expect(isLocked(state, new Date('2027-01-01T10:29:59Z'))).toBe(true);
    expect(isLocked(state, new Date('2027-01-01T10:30:00Z'))).toBe(false);
    // after the lock, the count starts again
    expect(afterWrongTry(state, new Date('2027-01-01T10:31:00Z')).tries_left).toBe(4);
  });

  it('the password is needed above the threshold only', () => {
    expect(passwordRequired(10000, null)).toBe(false);
    expect(passwordRequired(10000, 10000)).toBe(false);
    expect(passwordRequired(10001, 10000)).toBe(true);
    expect(passwordRequired(1, 0)).toBe(true);
  });
});
