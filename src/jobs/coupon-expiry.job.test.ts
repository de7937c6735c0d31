import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { createMember, createTestMerchant } from '../../test/factories.ts';
import { createTemplate, issueCoupon } from '../core/coupons/coupon.service.ts';
import { startBoss } from './boss.ts';
import { registerCouponExpiry } from './coupon-expiry.job.ts';

async function runOnce(boss: Awaited<ReturnType<typeof startBoss>>, queue: string) {
  const id = await boss.send(queue, {});
  for (let i = 0; i < 100; i++) {
    const job = await boss.getJobById(queue, id!);
    if (job?.state === 'completed') return;
    if (job?.state === 'failed') throw new Error(`${queue} failed: ${JSON.stringify(job.output)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${queue} did not finish`);
}

describe('coupon expiry through pg-boss', () => {
  it('issued coupons past their window turn expired, once; live and used ones stay', async () => {
    const { db, url } = await testDb();
    const m = await createTestMerchant(db);
    const member = await createMember(db, m.ctx());
    const day = 86_400_000;
    const issueAt = (at: Date, days: number) =>
      db.transaction().execute(async (trx) => {
        const ctx = m.ctx('marketer', at);
        const t = await createTemplate(trx, ctx, {
          name: `${days} 天`,
          benefit: { kind: 'cash_voucher', value_fen: 500 },
          validity: { mode: 'days_after_claim', days },
          usable_weekdays: null,
          usable_hours: null,
          scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
          stacking: { mode: 'exclusive' },
          total_stock: null,
          per_member_limit: null,
        });
        return issueCoupon(trx, ctx, { template_id: t.id, member_id: member.id, via: 'staff' });
      });
    const lapsed = await issueAt(new Date(Date.now() - 10 * day), 3);
    const lapsedUsed = await issueAt(new Date(Date.now() - 10 * day), 3);
    await db
      .updateTable('coupon')
      .set({ status: 'redeemed', uses_left: 0 })
      .where('id', '=', lapsedUsed.id)
      .execute();
    const live = await issueAt(new Date(), 3);
    const boss = await startBoss(url, () => {});
    try {
      await registerCouponExpiry(boss, db, pino({ level: 'silent' }));
      await runOnce(boss, 'coupon.expiry');
      const statuses = async () =>
        Object.fromEntries(
          (
            await db
              .selectFrom('coupon')
              .select(['id', 'status'])
              .where('member_id', '=', member.id)
              .execute()
          ).map((c) => [c.id, c.status]),
        );
      const once = await statuses();
      expect(once).toEqual({
        [lapsed.id]: 'expired',
        [lapsedUsed.id]: 'redeemed',
        [live.id]: 'issued',
      });
      await runOnce(boss, 'coupon.expiry');
      expect(await statuses()).toEqual(once);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
