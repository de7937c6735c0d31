import { beforeAll, describe, expect, test } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import { daysBefore, insertOrders } from '../../../test/marketing-orders.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { MemberRow } from '../members/member.table.ts';
import type { SegmentRule } from './segment.schema.ts';
import { S5_RULE } from './segment-examples.ts';
import { countSegment, sampleSegment, segmentMembers } from './segment-query.service.ts';

const S5 = S5_RULE;

let db: Db;
let merchant: TestMerchant;
let other: TestMerchant;
const now = new Date('2026-11-20T04:00:00Z');
let members: MemberRow[];

beforeAll(async () => {
  ({ db } = await testDb());
  merchant = await createTestMerchant(db);
  other = await createTestMerchant(db);
  const ctx = merchant.ctx('owner', now);
  members = [];
  for (let i = 0; i < 5; i++)
    members.push(await createMember(db, ctx, { gender: i % 2 ? 'female' : 'male' }));
  const [a, b, c, d] = members as [MemberRow, MemberRow, MemberRow, MemberRow];
  await insertOrders(db, ctx, [
    // a: 3 orders 70–150 days ago → in S5
    { memberId: a.id, paidAt: daysBefore(now, 70), dueFen: 1000, category: 'mango' },
    { memberId: a.id, paidAt: daysBefore(now, 100), dueFen: 2000 },
    { memberId: a.id, paidAt: daysBefore(now, 150), dueFen: 3000 },
    // b: 3 orders but one 10 days ago → not in S5
    { memberId: b.id, paidAt: daysBefore(now, 10), dueFen: 1000 },
    { memberId: b.id, paidAt: daysBefore(now, 100), dueFen: 1000 },
    { memberId: b.id, paidAt: daysBefore(now, 150), dueFen: 1000 },
    // c: 3 orders, one fully refunded → 2 counted → not in S5
    { memberId: c.id, paidAt: daysBefore(now, 70), dueFen: 1000 },
    {
      memberId: c.id,
      paidAt: daysBefore(now, 80),
      dueFen: 1000,
      status: 'refunded',
      refundedFen: 1000,
    },
    { memberId: c.id, paidAt: daysBefore(now, 90), dueFen: 1000 },
    // d: partially refunded spend
    {
      memberId: d.id,
      paidAt: daysBefore(now, 5),
      dueFen: 5000,
      status: 'partially_refunded',
      refundedFen: 2000,
    },
  ]);
  // another merchant's member who would match S5
  const octx = other.ctx('owner', now);
  const x = await createMember(db, octx);
  await insertOrders(
    db,
    octx,
    [70, 100, 150].map((d) => ({ memberId: x.id, paidAt: daysBefore(now, d), dueFen: 100 })),
  );
});

const ids = async (rule: SegmentRule) =>
  (await segmentMembers(db, merchant.ctx('owner', now), rule).execute())
    .map((r) => r.member_id)
    .sort();
const idsOf = (...ms: MemberRow[]) => ms.map((m) => m.id).sort();

describe('segment compiler', () => {
  test('S5 counts exactly the members with ≥ 3 orders in 180 days and none in 60', async () => {
    expect(await ids(S5)).toEqual(idsOf(members[0]!));
    expect(await countSegment(db, merchant.ctx('owner', now), S5)).toBe(1);
    expect(await countSegment(db, other.ctx('owner', now), S5)).toBe(1);
  });

  test('not, or, spend, category and attributes', async () => {
    const [a, b, c, d, e] = members as [MemberRow, MemberRow, MemberRow, MemberRow, MemberRow];
    expect(await ids({ op: 'not', rule: S5 })).toEqual(idsOf(b, c, d, e));
    expect(await ids({ field: 'orders', max: 0 })).toEqual(idsOf(e));
    expect(await ids({ field: 'spend', min: 6000 })).toEqual(idsOf(a));
    expect(await ids({ field: 'spend', days: 30, min: 3000 })).toEqual(idsOf(d));
    expect(await ids({ field: 'spend', days: 30, max: 2999 })).toEqual(idsOf(a, b, c, e));
    expect(await ids({ field: 'category', codes: ['mango'], days: 90 })).toEqual(idsOf(a));
    expect(await ids({ field: 'category', codes: ['mango'], days: 60 })).toEqual([]);
    expect(await ids({ field: 'category', codes: ['mango'], days: 90, min_spend: 1000 })).toEqual(
      idsOf(a),
    );
    expect(await ids({ field: 'orders', days: 120, min: 2, max: 2 })).toEqual(idsOf(a, b, c));
    expect(await ids({ field: 'orders', from: '2026-08-01', to: '2026-09-30', min: 1 })).toEqual(
      idsOf(a, b, c),
    );
    expect(
      await ids({
        op: 'or',
        rules: [
          { field: 'gender', in: ['female'] },
          { op: 'not', rule: { field: 'orders', days: 365 } },
        ],
      }),
    ).toEqual(idsOf(b, d, e));
    const sample = await sampleSegment(db, merchant.ctx('owner', now), S5, 10);
    expect(sample.map((s) => s.id)).toEqual(idsOf(a));
  });
  test('tags, custom fields, points and stores', async () => {
    const ctx = merchant.ctx('owner', now);
    const [a, b, c] = members as [MemberRow, MemberRow, MemberRow];
    const tagId = newId();
    await db
      .insertInto('tag')
      .values({
        merchant_id: ctx.merchantId,
        id: tagId,
        group_id: null,
        name: 'vip',
        kind: 'manual',
        rule: null,
        interaction: null,
        refreshed_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('member_tag')
      .values(
        [a, b].map((x) => ({
          merchant_id: ctx.merchantId,
          tag_id: tagId,
          member_id: x.id,
          source: 'manual' as const,
          added_at: now,
        })),
      )
      .execute();
    await db
      .updateTable('member')
      .set({ custom: JSON.stringify({ size: 42, city: 'Hangzhou' }) })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', c.id)
      .execute();
    await db
      .insertInto('ledger_balance')
      .values({
        merchant_id: ctx.merchantId,
        member_id: b.id,
        ledger: 'points',
        balance: 500,
        updated_at: now,
      })
      .execute();
    expect(await ids({ field: 'tag', has: 'any', tag_ids: [tagId] })).toEqual(idsOf(a, b));
    expect(await ids({ field: 'tag', has: 'all', tag_ids: [tagId, tagId] })).toEqual(idsOf(a, b));
    expect((await ids({ field: 'tag', has: 'none', tag_ids: [tagId] })).length).toBe(3);
    expect(await ids({ field: 'custom', key: 'size', op: 'gte', value: 40 })).toEqual(idsOf(c));
    expect(await ids({ field: 'custom', key: 'city', op: 'contains', value: 'zhou' })).toEqual(
      idsOf(c),
    );
    expect(
      (await ids({ op: 'not', rule: { field: 'custom', key: 'size', op: 'eq', value: 42 } }))
        .length,
    ).toBe(4);
    expect(await ids({ field: 'points', min: 100 })).toEqual(idsOf(b));
    expect((await ids({ field: 'points', max: 99 })).length).toBe(4);
    expect(await ids({ field: 'store', store_ids: [newId()], days: 365 })).toEqual([]);
  });
});
