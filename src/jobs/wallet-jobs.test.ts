import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { createMember, createTestMerchant } from '../../test/factories.ts';
import { cash, createPlan, entriesOf, recharge, S9_PLAN } from '../../test/wallet-support.ts';
import { monthStart } from '../core/wallet/recharge.rules.ts';
import { registerBonusExpiry } from './bonus-expiry.job.ts';
import { registerBonusRelease } from './bonus-release.job.ts';
import { startBoss } from './boss.ts';
import { registerPaidMembershipExpiry } from './paid-membership-expiry.job.ts';

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

describe('wallet jobs through pg-boss', () => {
  it('release and expiry workers post what is due, and a second run posts nothing', async () => {
    const { db, url } = await testDb();
    const m = await createTestMerchant(db);
    const member = await createMember(db, m.ctx());
    // bought mid-month two months ago: last month's part lapsed unreleased, this month's is due
    const then = new Date(monthStart(new Date(), 'Asia/Shanghai', -2).getTime() + 14 * 86_400_000);
    const plan = await createPlan(db, m.ctx('owner', then), S9_PLAN);
    await recharge(db, m.ctx('cashier', then), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });
    const boss = await startBoss(url, () => {});
    try {
      const log = pino({ level: 'silent' });
      await registerBonusRelease(boss, db, log);
      await registerBonusExpiry(boss, db, log);
      await registerPaidMembershipExpiry(boss, db, log);
      await runOnce(boss, 'wallet.bonus-release');
      const once = await entriesOf(db, m.merchantId, member.id);
      expect(once.filter((e) => e.ledger === 'bonus').map((e) => [e.kind, e.amount])).toEqual([
        ['bonus_release', 2000],
      ]);
      await runOnce(boss, 'wallet.bonus-release');
      await runOnce(boss, 'wallet.bonus-expiry');
      await runOnce(boss, 'membership.expiry');
      expect(await entriesOf(db, m.merchantId, member.id)).toEqual(once);
      const parts = await db
        .selectFrom('bonus_part')
        .select(['seq', 'status'])
        .where('merchant_id', '=', m.merchantId)
        .orderBy('seq')
        .execute();
      expect(parts.slice(0, 2)).toEqual([
        { seq: 0, status: 'expired' },
        { seq: 1, status: 'released' },
      ]);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
