import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import { addLocalMonths } from '../../lib/time.ts';
import {
  currentPeriod,
  invitationDecision,
  nextPeriod,
  refundDecision,
  validateMembershipPlan,
} from './membership.rules.ts';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code} ${e.field}`;
    throw e;
  }
  return 'ok';
};

describe('paid membership rules', () => {
  it('plan validation names the field', () => {
    const plan = { name: '年卡', price_fen: 19900, duration_months: 12 };
    expect(fieldOf(() => validateMembershipPlan(plan))).toBe('ok');
    expect(fieldOf(() => validateMembershipPlan({ ...plan, price_fen: 0 }))).toBe(
      'membership.plan_invalid price_fen',
    );
    expect(fieldOf(() => validateMembershipPlan({ ...plan, duration_months: 0 }))).toBe(
      'membership.plan_invalid duration_months',
    );
    expect(fieldOf(() => validateMembershipPlan({ ...plan, extra_discount_bp: 10001 }))).toBe(
      'membership.plan_invalid extra_discount_bp',
    );
    expect(
      fieldOf(() =>
        validateMembershipPlan({ ...plan, monthly_coupons: [{ name: 'x', face_value_fen: -1 }] }),
      ),
    ).toBe('membership.plan_invalid monthly_coupons.0.face_value_fen');
  });

  it('a year from Jan 31 in Shanghai; a month from Jan 31 is the end of February', () => {
    const start = new Date('2027-01-31T10:00:00+08:00');
    expect(addLocalMonths(start, 12, 'Asia/Shanghai').toISOString()).toBe(
      '2028-01-31T02:00:00.000Z',
    );
    expect(addLocalMonths(start, 1, 'Asia/Shanghai').toISOString()).toBe(
      '2027-02-28T02:00:00.000Z',
    );
  });

  it('a renewal starts where the paid time ends; a lapsed member starts again from now', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const paid = {
      starts_at: new Date('2027-01-01T00:00:00Z'),
      expires_at: new Date('2028-01-01T00:00:00Z'),
      status: 'paid' as const,
    };
    expect(nextPeriod([paid], now, 12, 'UTC')).toEqual({
      kind: 'renewal',
      starts_at: paid.expires_at,
      expires_at: new Date('2029-01-01T00:00:00Z'),
    });
    expect(nextPeriod([{ ...paid, status: 'refunded' }], now, 1, 'UTC').kind).toBe('purchase');
    expect(nextPeriod([paid], new Date('2028-01-01T00:00:00Z'), 1, 'UTC')).toMatchObject({
      kind: 'purchase',
      starts_at: new Date('2028-01-01T00:00:00Z'),
    });
    expect(currentPeriod([paid], new Date('2027-12-31T23:59:59Z'))).toBe(paid);
    expect(currentPeriod([paid], new Date('2028-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('property: renewals chain without gap or overlap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 400 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (buys) => {
          let now = new Date('2027-01-01T00:00:00Z');
          const periods: { starts_at: Date; expires_at: Date; status: 'paid' }[] = [];
          for (const [months, daysLater] of buys) {
            const p = nextPeriod(periods, now, months, 'Asia/Shanghai');
            const prev = periods.at(-1);
            if (prev && prev.expires_at > now) expect(p.starts_at).toEqual(prev.expires_at);
            else expect(p.starts_at).toEqual(now);
            expect(p.expires_at.getTime()).toBeGreaterThan(p.starts_at.getTime());
            periods.push({ starts_at: p.starts_at, expires_at: p.expires_at, status: 'paid' });
            now = new Date(now.getTime() + daysLater * 86_400_000);
          }
        },
      ),
    );
  });

  it('refund: full within N days of buying, then none; latest period only', () => {
    const period = {
      status: 'paid' as const,
      price_fen: 19900,
      created_at: new Date('2027-01-01T00:00:00Z'),
      refund_full_within_days: 7,
    };
    expect(refundDecision(period, new Date('2027-01-07T23:59:59Z'), true)).toEqual({
      ok: true,
      refund_fen: 19900,
    });
    expect(refundDecision(period, new Date('2027-01-08T00:00:00Z'), true)).toEqual({
      ok: false,
      code: 'membership.refund_window_passed',
    });
    expect(refundDecision(period, new Date('2027-01-02T00:00:00Z'), false)).toMatchObject({
      code: 'membership.refund_not_latest',
    });
    expect(
      refundDecision({ ...period, refund_full_within_days: 0 }, period.created_at, true),
    ).toMatchObject({ code: 'membership.refund_window_passed' });
  });

  it('pay to become member: at least the minimum, not a member, once', () => {
    const nobody = { is_member: false, has_open_invitation: false };
    expect(invitationDecision(null, 99999, nobody)).toEqual({ invite: false, reason: 'disabled' });
    expect(invitationDecision(5000, 4999, nobody).reason).toBe('below_minimum');
    expect(invitationDecision(5000, 5000, nobody)).toEqual({ invite: true, reason: 'invited' });
    expect(invitationDecision(5000, 5000, { ...nobody, is_member: true }).reason).toBe(
      'already_member',
    );
    expect(invitationDecision(5000, 5000, { ...nobody, has_open_invitation: true }).reason).toBe(
      'already_invited',
    );
  });
});
