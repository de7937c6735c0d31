import PgBoss from 'pg-boss';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { createMember, createTestMerchant } from '../../test/factories.ts';
import { grantPoints } from '../core/points/points.service.ts';
import { updatePointsRules } from '../core/points/points-setting.service.ts';
import { registerPointsExpiry } from './points-expiry.job.ts';
import { registerTierReview } from './tier-review.job.ts';

describe('loyalty jobs on pg-boss', () => {
  it('schedules expiry and tier review, and a queued expiry run does its work', async () => {
    const { db, url } = await testDb();
    const m = await createTestMerchant(db);
    const earned = new Date(Date.now() - 40 * 86_400_000);
    const ctx = m.ctx('owner', earned);
    await db
      .transaction()
      .execute((trx) =>
        updatePointsRules(trx, ctx, { expiry_policy: 'months_after', expiry_months: 1 }),
      );
    const member = await createMember(db, ctx);
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, ctx, member.id, { points: 42, reason: 'x' }));

    const boss = new PgBoss({ connectionString: url, max: 2, schema: 'pgboss' });
    boss.on('error', () => {});
    await boss.start();
    try {
      const log = pino({ level: 'silent' });
      await registerPointsExpiry(boss, db, log);
      await registerTierReview(boss, db, log);
      const schedules = await boss.getSchedules();
      expect(schedules.map((s) => [s.name, s.cron]).sort()).toEqual([
        ['points.expiry', '*/15 * * * *'],
        ['tiers.review', '*/15 * * * *'],
      ]);
      const id = await boss.send('points.expiry', {});
      expect(id).toBeTruthy();
      let state: string | undefined;
      for (let i = 0; i < 60 && state !== 'completed' && state !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        state = (await boss.getJobById('points.expiry', id!))?.state;
      }
      expect(state).toBe('completed');
      const lot = await db
        .selectFrom('points_lot')
        .select(['remaining', 'expired'])
        .where('merchant_id', '=', m.merchantId)
        .executeTakeFirstOrThrow();
      expect(lot).toEqual({ remaining: 0, expired: 42 });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
