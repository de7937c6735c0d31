import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import { purchaseMembership, refundMembership } from './membership.service.ts';
import { grantMonthlyCoupons, monthOfPeriod } from './membership-allowance.service.ts';
import { createMembershipPlan } from './membership-plan.service.ts';

const at = (iso: string) => new Date(iso);

describe('paid membership monthly coupons (付费会员月度权益券)', () => {
  it('months run from the start in the merchant zone; Jan 31 + 1 month is Feb 28', () => {
    const start = at('2026-01-31T04:00:00Z'); // 12:00 in Shanghai
    expect(monthOfPeriod(start, at('2026-02-28T03:59:00Z'), 'Asia/Shanghai')).toBe(0);
    expect(monthOfPeriod(start, at('2026-02-28T04:00:00Z'), 'Asia/Shanghai')).toBe(1);
    expect(monthOfPeriod(start, at('2026-03-31T04:00:00Z'), 'Asia/Shanghai')).toBe(2);
  });

  it('gives each month once, also to two sweeps at once, and a refund voids the unused ones', async () => {
    const { db } = await testApp();
    const m = await createTestMerchant(db);
    const bought = at('2026-01-31T04:00:00Z');
    const ctx = m.ctx('owner', bought);
    const member = await createMember(db, ctx);
    const period = await db.transaction().execute(async (trx) => {
      const template = await createTemplate(trx, ctx, {
        name: '会员月度 满50减10',
        benefit: { kind: 'threshold_off', threshold_fen: 5_000, off_fen: 1_000 },
        validity: { mode: 'days_after_claim', days: 30 },
        usable_weekdays: null,
        usable_hours: null,
        scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
        stacking: { mode: 'exclusive' },
        total_stock: null,
        per_member_limit: null,
      });
      const plan = await createMembershipPlan(trx, ctx, {
        name: '黑金年卡',
        price_fen: 19_900,
        duration_months: 12,
        refund_full_within_days: 60,
        monthly_coupons: [
          { name: '满50减10', face_value_fen: 1_000, quantity: 2, template_id: template.id },
          { name: '生日蛋糕券（到店说明）', face_value_fen: 8_800, quantity: 1 },
        ],
      });
      return purchaseMembership(trx, ctx, member.id, {
        plan_id: plan.id,
        tenders: [{ method: 'cash', amount_fen: 19_900 }],
      });
    });
    const coupons = () =>
      db
        .selectFrom('coupon')
        .select(['id', 'status', 'issued_via', 'ref_type', 'ref_id'])
        .where('merchant_id', '=', m.merchantId)
        .where('member_id', '=', member.id)
        .execute();

    expect(await grantMonthlyCoupons(db, at('2026-01-31T05:00:00Z'))).toBe(2);
    expect(await grantMonthlyCoupons(db, at('2026-02-20T05:00:00Z'))).toBe(0);
    const [a, b] = await Promise.all([
      grantMonthlyCoupons(db, at('2026-02-28T05:00:00Z')),
      grantMonthlyCoupons(db, at('2026-02-28T05:00:00Z')),
    ]);
    expect(a + b).toBe(2);
    const given = await coupons();
    expect(given).toHaveLength(4);
    expect(given.every((c) => c.issued_via === 'paid_membership' && c.ref_id === period.id)).toBe(
      true,
    );
    const months = await db
      .selectFrom('paid_membership_allowance')
      .select(['month_index', 'coupons'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('month_index')
      .execute();
    expect(months).toEqual([
      { month_index: 0, coupons: 2 },
      { month_index: 1, coupons: 2 },
    ]);

    const refundAt = m.ctx('owner', at('2026-03-02T05:00:00Z'));
    await db.transaction().execute((trx) => refundMembership(trx, refundAt, period.id));
    expect((await coupons()).map((c) => c.status)).toEqual(Array(4).fill('void'));
    // a refunded period gives nothing more
    expect(await grantMonthlyCoupons(db, at('2026-03-31T05:00:00Z'))).toBe(0);
  });
});
