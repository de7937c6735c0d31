import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { grantPoints } from './points.service.ts';
import { expireDuePoints, expireMerchantPoints } from './points-expiry.service.ts';
import { isLive } from './points-lot.rules.ts';
import { debitPoints, moveLots, reverseDebit } from './points-lot.service.ts';
import { updatePointsRules } from './points-setting.service.ts';

type Op =
  | { op: 'grant'; points: number; months: number | null }
  | { op: 'spend'; points: number }
  | { op: 'reverse' }
  | { op: 'wait'; days: number }
  | { op: 'expire' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('grant' as const),
    points: fc.integer({ min: 1, max: 400 }),
    months: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  }),
  fc.record({ op: fc.constant('spend' as const), points: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ op: fc.constant('reverse' as const) }),
  fc.record({ op: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 45 }) }),
  fc.record({ op: fc.constant('expire' as const) }),
);

async function pointsState(db: Db, merchantId: string, memberId: string) {
  const balance = await db
    .selectFrom('ledger_balance')
    .select('balance')
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'points')
    .executeTakeFirst();
  const lots = await db
    .selectFrom('points_lot')
    .select(['id', 'amount', 'remaining', 'expired', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .execute();
  const { rows } = await sql<{ total: number }>`
    select coalesce(sum(amount), 0)::bigint as total from ledger_entry
    where merchant_id = ${merchantId} and member_id = ${memberId} and ledger = 'points'`.execute(
    db,
  );
  return { balance: balance?.balance ?? 0, lots, entriesTotal: rows[0]!.total };
}

describe('points lots against the ledger (property)', () => {
  it('lots remaining + the lot-less part always equal the balance; spends go soonest-expiry first', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.array(opArb, { minLength: 1, maxLength: 25 }),
        async (opening, ops) => {
          let now = new Date('2026-01-05T02:00:00Z');
          const ctx = () => m.ctx('owner', now);
          const member = await createMember(db, ctx());
          let lotless = opening; // imported opening points have no lot
          if (opening > 0)
            await db.transaction().execute((trx) =>
              postEntry(trx, ctx(), {
                ledger: 'points',
                memberId: member.id,
                amount: opening,
                kind: 'import',
              }),
            );
          const debits: { id: string; lotless: number }[] = [];
          for (const o of ops) {
            if (o.op === 'wait') now = new Date(now.getTime() + o.days * 86_400_000);
            if (o.op === 'expire') await expireDuePoints(db, now);
            if (o.op === 'grant') {
              await db.transaction().execute(async (trx) => {
                await updatePointsRules(
                  trx,
                  ctx(),
                  o.months === null
                    ? { expiry_policy: 'never' }
                    : { expiry_policy: 'months_after', expiry_months: o.months },
                );
                await grantPoints(trx, ctx(), member.id, { points: o.points, reason: 'p' });
              });
            }
            if (o.op === 'spend') {
              const before = await pointsState(db, m.merchantId, member.id);
              try {
                const { entry, plan } = await db.transaction().execute(async (trx) => {
                  await trx
                    .selectFrom('member')
                    .select('id')
                    .where('id', '=', member.id)
                    .forUpdate()
                    .execute();
                  return debitPoints(trx, ctx(), {
                    memberId: member.id,
                    amount: o.points,
                    kind: 'spend',
                  });
                });
                debits.push({ id: entry.id, lotless: plan.lotless });
                lotless -= plan.lotless;
                // every live lot expiring sooner than one that was drawn on is now empty
                const after = await pointsState(db, m.merchantId, member.id);
                const drawn = plan.uses.map((u) => before.lots.find((l) => l.id === u.lot_id)!);
                const latest = Math.max(
                  ...drawn.map((l) => l.expires_at?.getTime() ?? Number.POSITIVE_INFINITY),
                );
                for (const lot of after.lots)
                  if (
                    isLive(lot, now) &&
                    (lot.expires_at?.getTime() ?? Number.POSITIVE_INFINITY) < latest
                  )
                    expect(lot.remaining).toBe(0);
                if (plan.lotless > 0)
                  for (const lot of after.lots) if (isLive(lot, now)) expect(lot.remaining).toBe(0);
              } catch (e) {
                expect(e).toBeInstanceOf(DomainError);
                expect((e as DomainError).code).toBe('points.insufficient');
                expect(await pointsState(db, m.merchantId, member.id)).toEqual(before);
              }
            }
            if (o.op === 'reverse') {
              const debit = debits.pop();
              if (debit) {
                await db.transaction().execute(async (trx) => {
                  const entry = await trx
                    .selectFrom('ledger_entry')
                    .selectAll()
                    .where('id', '=', debit.id)
                    .executeTakeFirstOrThrow();
                  await reverseDebit(trx, ctx(), entry, { kind: 'spend_reversal' });
                });
                lotless += debit.lotless;
              }
            }
            const state = await pointsState(db, m.merchantId, member.id);
            const inLots = state.lots.reduce((s, l) => s + l.remaining, 0);
            expect(state.balance).toBe(state.entriesTotal);
            expect(inLots + lotless).toBe(state.balance);
            for (const lot of state.lots)
              expect(lot.remaining + lot.expired).toBeLessThanOrEqual(lot.amount);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('moving lots on a merge', () => {
  it('merged-in points keep their expiry on the survivor', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('owner', new Date('2026-01-10T04:00:00Z'));
    await db
      .transaction()
      .execute((trx) =>
        updatePointsRules(trx, ctx, { expiry_policy: 'months_after', expiry_months: 1 }),
      );
    const survivor = await createMember(db, ctx);
    const merged = await createMember(db, ctx);
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, ctx, merged.id, { points: 80, reason: 'x' }));
    await db.transaction().execute(async (trx) => {
      await postEntry(trx, ctx, {
        ledger: 'points',
        memberId: merged.id,
        amount: -80,
        kind: 'merge_out',
      });
      await postEntry(trx, ctx, {
        ledger: 'points',
        memberId: survivor.id,
        amount: 80,
        kind: 'merge_in',
      });
      expect(await moveLots(trx, ctx, merged.id, survivor.id)).toBe(1);
    });
    // this merchant only: other tests in the file leave due lots of their own merchants
    const expiry = await db
      .transaction()
      .execute((trx) =>
        expireMerchantPoints(trx, systemCtx(m.merchantId, new Date('2026-03-01T00:00:00Z'))),
      );
    expect(expiry).toMatchObject({ points: 80 });
    const state = await pointsState(db, m.merchantId, survivor.id);
    expect(state.balance).toBe(0);
  });
});
