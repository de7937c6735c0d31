import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { createTier } from './tier.service.ts';
import { grantGrowth } from './tier-member.service.ts';
import { reviewDueTiers } from './tier-review.service.ts';

const at = (iso: string) => new Date(iso);

async function state(db: Db, merchantId: string) {
  const { rows } = await sql<{ loyalty: unknown; history: unknown }>`
    select (select json_agg(t order by t.member_id) from (select member_id, tier_id, tier_since, tier_review_at from member_loyalty where merchant_id = ${merchantId}) t) as loyalty,
      (select count(*) from tier_history where merchant_id = ${merchantId}) as history`.execute(db);
  return rows[0]!;
}

describe('tier review (downgrade) in the merchant’s zone', () => {
  it('keeps a tier the last 12 months still reach, downgrades otherwise; a second run changes nothing', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db, { timeZone: 'Asia/Shanghai' });
    const t0 = at('2025-03-01T04:00:00Z'); // 12:00 local, 2025-03-01
    const ctx = m.ctx('owner', t0);
    const tiers: Record<string, string> = {};
    for (const [name, threshold] of [
      ['base', 0],
      ['silver', 1000],
      ['gold', 5000],
    ] as const) {
      const tier = await db
        .transaction()
        .execute((trx) => createTier(trx, ctx, { name, threshold }));
      tiers[name] = tier.id;
    }
    const keeper = await createMember(db, ctx);
    const slider = await createMember(db, ctx);
    const grow = (id: string, growth: number, now: Date) =>
      db
        .transaction()
        .execute((trx) => grantGrowth(trx, m.ctx('owner', now), id, { growth, reason: 'x' }));

    await grow(slider.id, 3000, at('2024-12-01T04:00:00Z'));
    // 3000 of 2024-12 + 3000 of 2025-03 reach gold at once
    expect(await grow(slider.id, 3000, t0)).toMatchObject({ tier_id: tiers.gold, upgraded: true });
    expect(await grow(keeper.id, 6000, t0)).toMatchObject({ tier_id: tiers.gold, upgraded: true });
    await grow(keeper.id, 5500, at('2025-09-01T04:00:00Z'));

    // a tier reached on 2025-03-01 is reviewed at 2026-03-01 00:00 +08 = 2026-02-28T16:00Z
    const loyalty = await db
      .selectFrom('member_loyalty')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', keeper.id)
      .executeTakeFirstOrThrow();
    expect(loyalty.tier_review_at?.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect((await reviewDueTiers(db, at('2026-02-28T15:59:59Z'))).reviewed).toBe(0);

    // first review: the keeper's 11500 of the last 12 months reach gold; the slider's 3000 of
    // 2025-03 only reach silver
    const first = await reviewDueTiers(db, at('2026-02-28T16:00:05Z'));
    expect(first).toMatchObject({ reviewed: 2, changed: 1 });
    const tierOf = async (id: string) =>
      db
        .selectFrom('member_loyalty')
        .select(['tier_id', 'tier_review_at'])
        .where('merchant_id', '=', m.merchantId)
        .where('member_id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await tierOf(keeper.id)).toMatchObject({ tier_id: tiers.gold });
    expect((await tierOf(keeper.id)).tier_review_at?.toISOString()).toBe(
      '2027-02-28T16:00:00.000Z',
    );
    expect(await tierOf(slider.id)).toMatchObject({ tier_id: tiers.silver });

    // a second run, at once or later that night, changes nothing
    const settled = await state(db, m.merchantId);
    expect(await reviewDueTiers(db, at('2026-02-28T16:00:05Z'))).toMatchObject({
      reviewed: 0,
      changed: 0,
    });
    expect(await reviewDueTiers(db, at('2026-03-01T02:00:00Z'))).toMatchObject({ reviewed: 0 });
    expect(await state(db, m.merchantId)).toEqual(settled);

    // a year on: the keeper earned nothing since and drops to base; the slider's 1200 keep silver
    await grow(slider.id, 1200, at('2026-06-01T04:00:00Z'));
    expect(await reviewDueTiers(db, at('2027-02-28T16:00:00Z'))).toMatchObject({
      reviewed: 2,
      changed: 1,
    });
    expect(await tierOf(keeper.id)).toMatchObject({ tier_id: tiers.base });
    expect(await tierOf(slider.id)).toMatchObject({ tier_id: tiers.silver });

    const history = await db
      .selectFrom('tier_history')
      .select(['member_id', 'to_tier_id', 'reason'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const of = (id: string) =>
      history.filter((h) => h.member_id === id).map((h) => [h.reason, h.to_tier_id]);
    expect(of(slider.id)).toEqual([
      ['upgrade', tiers.base], // on first use
      ['upgrade', tiers.silver],
      ['upgrade', tiers.gold],
      ['downgrade', tiers.silver],
    ]);
    expect(of(keeper.id)).toEqual([
      ['upgrade', tiers.base],
      ['upgrade', tiers.gold],
      ['downgrade', tiers.base],
    ]);
  });
});
