import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { grantPoints } from '../points/points.service.ts';
import { expireMerchantPoints } from '../points/points-expiry.service.ts';
import { updatePointsRules } from '../points/points-setting.service.ts';
import { mergeMembers } from './member-merge.service.ts';

describe('merge and the expiry sweep on the same members', () => {
  it('serialise: every merge and sweep succeeds, and entries, lots and balances agree', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('owner');
    await db
      .transaction()
      .execute((trx) =>
        updatePointsRules(trx, ctx, { expiry_policy: 'months_after', expiry_months: 1 }),
      );
    const pairs = [];
    for (let i = 0; i < 8; i++) {
      const merged = await createMember(db, ctx);
      const survivor = await createMember(db, ctx);
      for (const [id, points] of [
        [merged.id, 300 + i],
        [survivor.id, 50],
      ] as const)
        await db
          .transaction()
          .execute((trx) => grantPoints(trx, ctx, id, { points, reason: 'start' }));
      pairs.push({ merged: merged.id, survivor: survivor.id });
    }
    const later = m.ctx('owner', new Date(Date.now() + 40 * 86_400_000));
    const results = await Promise.allSettled([
      ...pairs.map((p, i) =>
        i % 2 === 0
          ? db.transaction().execute((trx) => mergeMembers(trx, ctx, p.survivor, p.merged))
          : db.transaction().execute((trx) => expireMerchantPoints(trx, later)),
      ),
      ...pairs.map((p, i) =>
        i % 2 === 1
          ? db.transaction().execute((trx) => mergeMembers(trx, ctx, p.survivor, p.merged))
          : db.transaction().execute((trx) => expireMerchantPoints(trx, later)),
      ),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const { rows } = await sql<{
      member_id: string;
      balance: number;
      entries: number;
      lots: number;
    }>`
      select b.member_id, b.balance::int,
        (select coalesce(sum(amount), 0)::int from ledger_entry e where e.merchant_id = b.merchant_id
          and e.member_id = b.member_id and e.ledger = 'points') as entries,
        (select coalesce(sum(remaining), 0)::int from points_lot l
          where l.merchant_id = b.merchant_id and l.member_id = b.member_id) as lots
      from ledger_balance b where b.merchant_id = ${m.merchantId} and b.ledger = 'points'`.execute(
      db,
    );
    expect(rows).toHaveLength(16);
    for (const row of rows) {
      expect(row.entries, row.member_id).toBe(row.balance);
      expect(row.lots, row.member_id).toBe(row.balance);
    }
    // everything was granted 40 days before the sweep: nothing is left anywhere
    expect(rows.every((r) => r.balance === 0)).toBe(true);
  });
});
