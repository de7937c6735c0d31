import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Trx } from '../../db/database.ts';
import { createStore } from '../tenancy/store.service.ts';
import { grantPoints, spendMemberPoints } from './points.service.ts';
import { expireDuePoints } from './points-expiry.service.ts';
import { pointsLiability } from './points-liability.service.ts';
import { reverseDebit } from './points-lot.service.ts';
import { updatePointsRules } from './points-setting.service.ts';

describe('points liability report', () => {
  it('issued, spent (net of reversals), expired and outstanding per home store and local month', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db, { timeZone: 'Asia/Shanghai' });
    const at = (iso: string) => m.ctx('owner', new Date(iso));
    const jan = at('2026-01-15T04:00:00Z');
    const run = <T>(fn: (trx: Trx) => Promise<T>) => db.transaction().execute(fn);
    await run((trx) =>
      updatePointsRules(trx, jan, { expiry_policy: 'months_after', expiry_months: 1 }),
    );
    const storeA = await run((trx) => createStore(trx, jan, { code: 'A', name: 'Store A' }));
    const storeB = await run((trx) => createStore(trx, jan, { code: 'B', name: 'Store B' }));
    const a = await createMember(db, jan, { home_store_id: storeA.id });
    const b = await createMember(db, jan, { home_store_id: storeB.id });

    await run((trx) => grantPoints(trx, jan, a.id, { points: 1000, reason: 'x' }));
    await run((trx) => grantPoints(trx, jan, b.id, { points: 500, reason: 'x' }));
    await run((trx) =>
      spendMemberPoints(trx, at('2026-02-01T04:00:00Z'), a.id, { points: 300, reason: 'x' }),
    );
    // 2026-01-31T16:30Z is already February 1st in Shanghai
    const spent = await run((trx) =>
      spendMemberPoints(trx, at('2026-01-31T16:30:00Z'), b.id, { points: 100, reason: 'x' }),
    );
    await run(async (trx) => {
      const entry = await trx
        .selectFrom('ledger_entry')
        .selectAll()
        .where('id', '=', spent.entry_id)
        .executeTakeFirstOrThrow();
      return reverseDebit(trx, at('2026-02-02T04:00:00Z'), entry, { kind: 'spend_reversal' });
    });
    await expireDuePoints(db, new Date('2026-02-15T16:00:05Z'));
    await run((trx) =>
      grantPoints(trx, at('2026-03-10T04:00:00Z'), a.id, { points: 200, reason: 'x' }),
    );

    const report = await pointsLiability(db, at('2026-04-01T00:00:00Z'), {
      from: '2026-01-01',
      to: '2026-03-31',
    });
    const rows = report.rows.map((r) => [
      r.store_name,
      r.month,
      r.issued,
      r.spent,
      r.expired,
      r.outstanding,
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Store A', '2026-01', 1000, 0, 0, 1000],
        ['Store A', '2026-02', 0, 300, 700, 0],
        ['Store A', '2026-03', 200, 0, 0, 200],
        ['Store B', '2026-01', 500, 0, 0, 500],
        ['Store B', '2026-02', 0, 0, 500, 0],
        ['Store B', '2026-03', 0, 0, 0, 0],
      ]),
    );
    expect(rows).toHaveLength(6);
    expect(report.totals).toEqual({ issued: 1700, spent: 300, expired: 1200, outstanding: 200 });

    // a later period opens with what was outstanding before it
    const feb = await pointsLiability(db, jan, { from: '2026-02-01', to: '2026-02-28' });
    expect(feb.rows.map((r) => [r.store_name, r.outstanding])).toEqual(
      expect.arrayContaining([
        ['Store A', 0],
        ['Store B', 0],
      ]),
    );
    expect(feb.totals).toMatchObject({ issued: 0, spent: 300, expired: 1200 });
    await expect(
      pointsLiability(db, jan, { from: '2026-03-01', to: '2026-02-01' }),
    ).rejects.toThrow('points.dates_invalid');
  });
});
