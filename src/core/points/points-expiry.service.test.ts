import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { grantPoints, spendMemberPoints } from './points.service.ts';
import { expireDuePoints } from './points-expiry.service.ts';
import { updatePointsRules } from './points-setting.service.ts';
import { getPointsStatement } from './points-statement.service.ts';

async function snapshot(db: Db, merchantId: string) {
  const { rows } = await sql`
    select (select json_agg(t order by t.id) from (select id, member_id, remaining, expired from points_lot where merchant_id = ${merchantId}) t) as lots,
      (select json_agg(t order by t.member_id) from (select member_id, balance from ledger_balance where merchant_id = ${merchantId}) t) as balances,
      (select count(*) from ledger_entry where merchant_id = ${merchantId}) as entries`.execute(db);
  return rows[0];
}

describe('points expiry at the merchant’s midnight (Asia/Shanghai)', () => {
  it('a lot expiring at local 00:00 is spendable at 23:59:59 and gone after the run; a second run changes nothing', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db, { timeZone: 'Asia/Shanghai' });
    const earnedAt = new Date('2026-01-10T04:00:00Z'); // 12:00 local
    const ctx = m.ctx('owner', earnedAt);
    await db
      .transaction()
      .execute((trx) =>
        updatePointsRules(trx, ctx, { expiry_policy: 'months_after', expiry_months: 1 }),
      );
    const member = await createMember(db, ctx);
    const other = await createMember(db, ctx);
    // opening points from a legacy import have no lot and never expire
    await db
      .transaction()
      .execute((trx) =>
        postEntry(trx, ctx, { ledger: 'points', memberId: member.id, amount: 50, kind: 'import' }),
      );
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, ctx, member.id, { points: 100, reason: 'x' }));
    // the other member earns a day later: their lot expires a day later
    const nextDay = m.ctx('owner', new Date('2026-01-11T04:00:00Z'));
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, nextDay, other.id, { points: 70, reason: 'x' }));

    // usable through 2026-02-10 (local); gone at 2026-02-11 00:00 +08 = 2026-02-10T16:00Z
    const lastSecond = new Date('2026-02-10T15:59:59Z');
    const midnight = new Date('2026-02-10T16:00:00Z');
    const s1 = await getPointsStatement(db, m.ctx('owner', lastSecond), member.id);
    expect(s1).toMatchObject({ balance: 150, available: 150, never_expiring: 50 });
    expect(s1.lots[0]?.expires_at?.toISOString()).toBe(midnight.toISOString());
    // spendable at 23:59:59: 40 taken from the expiring lot first, not from the imported points
    const spent = await db.transaction().execute((trx) =>
      spendMemberPoints(trx, m.ctx('cashier', lastSecond), member.id, {
        points: 40,
        reason: 'x',
      }),
    );
    expect(spent.lots_used).toHaveLength(1);
    expect(spent.lotless_used).toBe(0);
    expect((await expireDuePoints(db, lastSecond)).lots).toBe(0);

    // from 00:00 the 60 left in the lot cannot be spent, even before the job has run
    const atMidnight = await getPointsStatement(db, m.ctx('owner', midnight), member.id);
    expect(atMidnight).toMatchObject({ balance: 110, available: 50 });
    const refused = await db
      .transaction()
      .execute((trx) =>
        spendMemberPoints(trx, m.ctx('cashier', midnight), member.id, { points: 51, reason: 'x' }),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).params).toEqual({ available: 50 });

    const runAt = new Date('2026-02-10T16:00:05Z');
    const first = await expireDuePoints(db, runAt);
    expect(first).toMatchObject({ lots: 1, members: 1, points: 60 });
    const after = await getPointsStatement(db, m.ctx('owner', runAt), member.id);
    expect(after).toMatchObject({ balance: 50, available: 50, never_expiring: 50, lots: [] });
    expect(after.entries[0]).toMatchObject({ kind: 'expire', amount: -60, balance_after: 50 });
    const lot = await db
      .selectFrom('points_lot')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(lot).toMatchObject({ amount: 100, remaining: 0, expired: 60 });
    // the other member's lot is a day younger and untouched
    const otherStatement = await getPointsStatement(db, m.ctx('owner', runAt), other.id);
    expect(otherStatement).toMatchObject({ balance: 70, available: 70 });

    // a second run (same instant or later the same day) changes nothing
    const before = await snapshot(db, m.merchantId);
    expect(await expireDuePoints(db, runAt)).toMatchObject({ lots: 0, points: 0 });
    expect(await expireDuePoints(db, new Date('2026-02-11T01:00:00Z'))).toMatchObject({ lots: 0 });
    expect(await snapshot(db, m.merchantId)).toEqual(before);
    // the next night takes the other member's lot
    expect(await expireDuePoints(db, new Date('2026-02-11T16:00:00Z'))).toMatchObject({
      lots: 1,
      points: 70,
    });
  });

  it('expires only what the balance still holds when the points left without their lot', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('owner', new Date('2026-01-10T04:00:00Z'));
    await db
      .transaction()
      .execute((trx) =>
        updatePointsRules(trx, ctx, { expiry_policy: 'months_after', expiry_months: 1 }),
      );
    const member = await createMember(db, ctx);
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, ctx, member.id, { points: 100, reason: 'x' }));
    // a move that bypasses the lots (as a merge does) leaves 30 in the balance
    await db.transaction().execute((trx) =>
      postEntry(trx, ctx, {
        ledger: 'points',
        memberId: member.id,
        amount: -70,
        kind: 'merge_out',
      }),
    );
    const outcome = await expireDuePoints(db, new Date('2026-03-01T00:00:00Z'));
    expect(outcome).toMatchObject({ lots: 1, points: 30 });
    const statement = await getPointsStatement(
      db,
      m.ctx('owner', new Date('2026-03-01T00:00:00Z')),
      member.id,
    );
    expect(statement.balance).toBe(0);
  });
});
