import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { cash, pay } from '../../../test/wallet-support.ts';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { grantPoints, spendMemberPoints } from '../points/points.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { rechargeMember } from '../wallet/recharge.service.ts';
import type { DashboardQuery } from './dashboard.schema.ts';
import { lifecycleTile, rfmTile, tiersTile } from './dashboard-members.service.ts';
import { periodDays, resolveDashboardRange } from './dashboard-range.service.ts';
import { kpiTile, salesByDayTile, salesByStoreTile } from './dashboard-sales.service.ts';
import { couponsTile, pointsTile, walletTile } from './dashboard-value.service.ts';

type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;
const at = (iso: string) => new Date(iso);

// Local 2026-03-10 is [03-09T16:00Z, 03-10T16:00Z) in Shanghai (UTC+8) and
// [03-10T07:00Z, 03-11T07:00Z) in Los Angeles (UTC-7, summer time since 03-08).
const ORDERS = [
  { key: 'o1', at: '2026-03-09T15:59:59Z', store: 'a', member: 'm1', due: 1000 },
  { key: 'o2', at: '2026-03-09T16:00:00Z', store: 'a', member: 'm1', due: 2000 },
  { key: 'o3', at: '2026-03-10T06:59:59Z', store: 'b', member: 'm2', due: 3000, refund: 500 },
  { key: 'o4', at: '2026-03-10T07:00:00Z', store: 'b', member: 'm1', due: 4000, refund: 4000 },
  { key: 'o5', at: '2026-03-10T12:00:00Z', store: 'a', member: null, due: 5000, coupon: 300 },
  { key: 'o6', at: '2026-03-10T15:59:59Z', store: 'b', member: 'm2', due: 6000 },
  { key: 'o7', at: '2026-03-10T16:00:00Z', store: 'a', member: 'm3', due: 7000 },
] as const;

async function insertOrder(
  db: Db,
  merchantId: string,
  o: {
    at: string;
    storeId: string;
    memberId: string | null;
    due: number;
    refund?: number;
    coupon?: number;
  },
) {
  const id = randomUUID();
  const paidAt = at(o.at);
  const status = !o.refund ? 'paid' : o.refund === o.due ? 'refunded' : 'partially_refunded';
  await db
    .insertInto('sale_order')
    .values({
      merchant_id: merchantId,
      id,
      number: Number(
        (await sql<{ n: string }>`select nextval('sale_order_number') as n`.execute(db)).rows[0]?.n,
      ),
      channel: 'pos',
      external_id: null,
      member_id: o.memberId,
      store_id: o.storeId,
      staff_id: null,
      status,
      amount_fen: o.due + (o.coupon ?? 0),
      tier_discount_fen: 0,
      coupon_discount_fen: o.coupon ?? 0,
      points_used: 0,
      points_deduction_fen: 0,
      due_fen: o.due,
      principal_fen: 0,
      bonus_fen: 0,
      tender_fen: o.due,
      points_earned: 0,
      growth: 0,
      applied_coupon_ids: sql`'{}'::uuid[]`,
      trace: '{}',
      paid_at: paidAt,
      created_at: paidAt,
    } as never)
    .execute();
  if (o.refund)
    await db
      .insertInto('order_refund')
      .values({
        merchant_id: merchantId,
        id: randomUUID(),
        order_id: id,
        reason: null,
        staff_id: null,
        complete: o.refund === o.due,
        amounts: '{}',
        lines: '[]',
        money_fen: o.refund,
        refund_reduction_fen: 0,
        created_at: paidAt,
      } as never)
      .execute();
}

/** The same instants for every merchant; what they mean depends on the merchant's zone. */
async function seed(db: Db, m: Merchant) {
  const ctx = (iso: string): Ctx => m.ctx('owner', at(iso));
  const [a, b] = await db
    .transaction()
    .execute(async (trx) => [
      await createStore(trx, ctx('2026-03-01T00:00:00Z'), { code: 'A', name: 'A店' }),
      await createStore(trx, ctx('2026-03-01T00:00:00Z'), { code: 'B', name: 'B店' }),
    ]);
  if (!a || !b) throw new Error('stores');
  const m1 = await createMember(db, ctx('2026-03-09T15:00:00Z'), { home_store_id: a.id });
  const m2 = await createMember(db, ctx('2026-03-09T16:30:00Z'), { home_store_id: b.id });
  const m3 = await createMember(db, ctx('2026-03-10T10:00:00Z'), { home_store_id: a.id });
  const members = { m1: m1.id, m2: m2.id, m3: m3.id };
  const stores = { a: a.id, b: b.id };
  for (const o of ORDERS)
    await insertOrder(db, m.merchantId, {
      ...o,
      storeId: stores[o.store],
      memberId: o.member ? members[o.member] : null,
    });

  // stored value: m2 recharges ¥100 in B and pays ¥12.50 of it
  await db.transaction().execute((trx) =>
    rechargeMember(trx, ctx('2026-03-10T01:00:00Z'), m2.id, {
      amount_fen: 10000,
      tenders: cash(10000),
      store_id: b.id,
    }),
  );
  await pay(db, ctx('2026-03-10T01:30:00Z'), m2.id, 1250);
  // points: m1 gets 300 and spends 100
  await db.transaction().execute(async (trx) => {
    await grantPoints(trx, ctx('2026-03-10T02:00:00Z'), m1.id, { points: 300, reason: 'test' });
    await spendMemberPoints(trx, ctx('2026-03-10T03:00:00Z'), m1.id, { points: 100, reason: 't' });
  });

  // coupons issued at 03-10T02:00Z: m1's used, m2's one used and restored, m2's other unused
  const templateId = randomUUID();
  const created = at('2026-03-10T02:00:00Z');
  await db
    .insertInto('coupon_template')
    .values({
      merchant_id: m.merchantId,
      id: templateId,
      name: '满100减30',
      kind: 'cash_voucher',
      definition: JSON.stringify({ amount_fen: 300 }),
      created_at: created,
      updated_at: created,
    } as never)
    .execute();
  const coupon = async (memberId: string, use?: { restored: boolean }) => {
    const id = randomUUID();
    await db
      .insertInto('coupon')
      .values({
        merchant_id: m.merchantId,
        id,
        template_id: templateId,
        member_id: memberId,
        code: randomUUID().slice(0, 12),
        status: use && !use.restored ? 'redeemed' : 'issued',
        uses_left: use && !use.restored ? 0 : 1,
        valid_from: created,
        valid_until: at('2026-04-10T00:00:00Z'),
        issued_via: 'staff',
        created_at: created,
      } as never)
      .execute();
    if (use)
      await db
        .insertInto('coupon_use')
        .values({
          merchant_id: m.merchantId,
          id: randomUUID(),
          coupon_id: id,
          store_id: a.id,
          used_at: created,
          restored_at: use.restored ? created : null,
        } as never)
        .execute();
  };
  await coupon(m1.id, { restored: false });
  await coupon(m2.id, { restored: true });
  await coupon(m2.id);

  // RFM of the last recompute, and one tier held by m1
  const rfm = [
    [m1.id, 'important_value', 'core'],
    [m2.id, 'general_retain', 'dormant'],
    [m3.id, null, 'new'],
  ] as const;
  for (const [memberId, group, lifecycle] of rfm)
    await db
      .insertInto('member_rfm')
      .values({
        merchant_id: m.merchantId,
        member_id: memberId,
        r: group ? 3 : null,
        f: group ? 3 : null,
        m: group ? 3 : null,
        rfm_group: group,
        lifecycle,
        computed_at: created,
      } as never)
      .execute();
  const tierId = randomUUID();
  await db
    .insertInto('tier')
    .values({
      merchant_id: m.merchantId,
      id: tierId,
      name: '金卡',
      threshold: 100,
      created_at: created,
      updated_at: created,
    } as never)
    .execute();
  await sql`
    insert into member_loyalty (merchant_id, member_id, tier_id, updated_at)
    values (${m.merchantId}, ${m1.id}, ${tierId}, ${created})
    on conflict (merchant_id, member_id) do update set tier_id = excluded.tier_id`.execute(db);
  return { stores, members, tierId, templateId };
}

async function world() {
  const { db } = await testApp();
  const shanghai = await createTestMerchant(db);
  const la = await createTestMerchant(db, { timeZone: 'America/Los_Angeles' });
  const sh = await seed(db, shanghai);
  const los = await seed(db, la);
  const range = (m: Merchant, query: DashboardQuery, now = '2026-03-12T00:00:00Z') =>
    resolveDashboardRange(db, m.ctx('marketer', at(now)), query);
  return { db, shanghai, la, sh, los, range };
}

const DAY = { from: '2026-03-10', to: '2026-03-10' };

describe('dashboard tiles', () => {
  it('count the local day of each merchant, net of refunds, merchant by merchant', async () => {
    const { db, shanghai, la, sh, range } = await world();
    const ctx = shanghai.ctx('marketer', at('2026-03-12T00:00:00Z'));
    const day = await range(shanghai, DAY);
    expect(day).toMatchObject({
      starts: at('2026-03-09T16:00:00Z'),
      ends: at('2026-03-10T16:00:00Z'),
      time_zone: 'Asia/Shanghai',
    });
    // o2, o3 (3000 − 500), o5 (no member), o6; o4 is fully refunded, o1 and o7 other days
    expect(await kpiTile(db, ctx, day)).toMatchObject({
      new_members: 2,
      active_members: 2,
      repurchasers: 1,
      repurchase_rate_bp: 5000,
      orders: 4,
      sales_fen: 15500,
      aov_fen: 3875,
      member_orders: 3,
      member_sales_fen: 10500,
    });
    // a hand-written query over the orders says the same
    const { rows } = await sql<{ orders: number; sales: number; members: number }>`
      select count(*)::int as orders,
        sum(o.due_fen - coalesce((select sum(money_fen) from order_refund r
          where r.merchant_id = o.merchant_id and r.order_id = o.id), 0))::int as sales,
        count(distinct o.member_id)::int as members
      from sale_order o
      where o.merchant_id = ${shanghai.merchantId} and o.status <> 'refunded'
        and (o.paid_at at time zone 'Asia/Shanghai')::date = '2026-03-10'`.execute(db);
    expect(rows[0]).toEqual({ orders: 4, sales: 15500, members: 2 });

    const laCtx = la.ctx('marketer', at('2026-03-12T00:00:00Z'));
    expect(await kpiTile(db, laCtx, await range(la, DAY))).toMatchObject({
      new_members: 1,
      active_members: 2,
      repurchasers: 0,
      repurchase_rate_bp: 0,
      orders: 3,
      sales_fen: 18000,
      aov_fen: 6000,
    });

    const storeB = await range(shanghai, { ...DAY, store_id: sh.stores.b });
    expect(await kpiTile(db, ctx, storeB)).toMatchObject({
      new_members: 1,
      active_members: 1,
      repurchasers: 1,
      orders: 2,
      sales_fen: 8500,
    });
    const empty = await range(shanghai, { from: '2026-03-20', to: '2026-03-21' });
    expect(await kpiTile(db, ctx, empty)).toMatchObject({
      orders: 0,
      aov_fen: null,
      repurchase_rate_bp: null,
    });
  });

  it('split sales by local day and by store', async () => {
    const { db, shanghai, la, sh, range } = await world();
    const ctx = shanghai.ctx('marketer', at('2026-03-12T00:00:00Z'));
    const three = await range(shanghai, { from: '2026-03-09', to: '2026-03-12' });
    expect((await salesByDayTile(db, ctx, three)).days).toEqual([
      { date: '2026-03-09', orders: 1, sales_fen: 1000, members: 1 },
      { date: '2026-03-10', orders: 4, sales_fen: 15500, members: 2 },
      { date: '2026-03-11', orders: 1, sales_fen: 7000, members: 1 },
      { date: '2026-03-12', orders: 0, sales_fen: 0, members: 0 },
    ]);
    const laThree = await range(la, { from: '2026-03-09', to: '2026-03-11' });
    expect(
      (await salesByDayTile(db, la.ctx('marketer'), laThree)).days.map((d) => d.sales_fen),
    ).toEqual([1000 + 2000 + 2500, 5000 + 6000 + 7000, 0]);

    const stores = await salesByStoreTile(db, ctx, await range(shanghai, DAY));
    expect(stores.stores).toEqual([
      {
        store_id: sh.stores.b,
        store_name: 'B店',
        orders: 2,
        sales_fen: 8500,
        members: 1,
        aov_fen: 4250,
      },
      {
        store_id: sh.stores.a,
        store_name: 'A店',
        orders: 2,
        sales_fen: 7000,
        members: 1,
        aov_fen: 3500,
      },
    ]);
    const onlyA = await salesByStoreTile(
      db,
      ctx,
      await range(shanghai, { ...DAY, store_id: sh.stores.a }),
    );
    expect(onlyA.stores.map((s) => s.store_id)).toEqual([sh.stores.a]);
  });

  it('add up stored value, points and the coupon funnel', async () => {
    const { db, shanghai, la, sh, range } = await world();
    const ctx = shanghai.ctx('marketer', at('2026-03-12T00:00:00Z'));
    const day = await range(shanghai, DAY);
    expect(await walletTile(db, ctx, day)).toMatchObject({
      recharges: 1,
      recharge_fen: 10000,
      recharge_bonus_fen: 0,
      outstanding_principal_fen: 8750,
      outstanding_bonus_fen: 0,
    });
    const storeA = await range(shanghai, { ...DAY, store_id: sh.stores.a });
    expect(await walletTile(db, ctx, storeA)).toMatchObject({
      recharges: 0,
      outstanding_principal_fen: 0,
    });
    // in Los Angeles the recharge fell on the 9th; what is outstanding is the same now
    expect(await walletTile(db, la.ctx('marketer'), await range(la, DAY))).toMatchObject({
      recharges: 0,
      outstanding_principal_fen: 8750,
    });

    expect(await pointsTile(db, ctx, day)).toMatchObject({
      issued: 300,
      spent: 100,
      expired: 0,
      outstanding: 200,
    });
    expect(
      await pointsTile(db, ctx, await range(shanghai, { ...DAY, store_id: sh.stores.b })),
    ).toMatchObject({ issued: 0, spent: 0, outstanding: 0 });

    expect(await couponsTile(db, ctx, day)).toEqual({
      range: day,
      issued: 3,
      redeemed: 1,
      discount_fen: 300,
      coupon_orders: 1,
      coupon_sales_fen: 5000,
      templates: [{ template_id: sh.templateId, name: '满100减30', issued: 3, redeemed: 1 }],
    });
    const storeB = await range(shanghai, { ...DAY, store_id: sh.stores.b });
    expect(await couponsTile(db, ctx, storeB)).toMatchObject({
      issued: 2,
      redeemed: 0,
      discount_fen: 0,
    });
  });

  it('distribute members by RFM group, lifecycle and tier', async () => {
    const { db, shanghai, sh, range } = await world();
    const ctx = { ...shanghai.ctx('marketer'), locale: 'zh-CN' as const };
    const day = await range(shanghai, DAY);
    const rfm = await rfmTile(db, ctx, day);
    expect(rfm.groups.find((g) => g.key === 'important_value')).toEqual({
      key: 'important_value',
      name: '重要价值客户',
      members: 1,
    });
    expect(rfm.groups).toHaveLength(9);
    expect(rfm.groups.at(-1)).toEqual({ key: null, name: null, members: 1 });
    expect((await lifecycleTile(db, ctx, day)).groups.map((g) => [g.key, g.members])).toEqual([
      ['new', 1],
      ['active', 0],
      ['core', 1],
      ['dormant', 1],
      ['churned', 0],
    ]);
    expect((await tiersTile(db, ctx, day)).groups).toEqual([
      { key: sh.tierId, name: '金卡', members: 1 },
      { key: null, name: null, members: 2 },
    ]);
    const storeB = await range(shanghai, { ...DAY, store_id: sh.stores.b });
    expect((await tiersTile(db, ctx, storeB)).groups).toEqual([
      { key: sh.tierId, name: '金卡', members: 0 },
      { key: null, name: null, members: 1 },
    ]);
    expect(
      (await lifecycleTile(db, ctx, storeB)).groups.filter((g) => g.members).map((g) => g.key),
    ).toEqual(['dormant']);
  });
});

describe('dashboard period', () => {
  it('presets today, this week from Monday and this month in the merchant zone', async () => {
    expect(periodDays('today', '2026-03-11')).toEqual({ from: '2026-03-11', to: '2026-03-11' });
    expect(periodDays('week', '2026-03-11')).toEqual({ from: '2026-03-09', to: '2026-03-11' });
    expect(periodDays('week', '2026-03-09')).toEqual({ from: '2026-03-09', to: '2026-03-09' });
    expect(periodDays('week', '2026-03-15')).toEqual({ from: '2026-03-09', to: '2026-03-15' });
    expect(periodDays('month', '2026-03-11')).toEqual({ from: '2026-03-01', to: '2026-03-11' });
    const { db } = await testApp();
    const la = await createTestMerchant(db, { timeZone: 'America/Los_Angeles' });
    // 03-10T05:00Z is still the 9th in Los Angeles
    const today = await resolveDashboardRange(db, la.ctx('owner', at('2026-03-10T05:00:00Z')), {});
    expect(today).toEqual({
      from: '2026-03-09',
      to: '2026-03-09',
      time_zone: 'America/Los_Angeles',
      starts: at('2026-03-09T07:00:00Z'),
      ends: at('2026-03-10T07:00:00Z'),
      store_id: null,
    });
  });

  it('refuses an end before the start, half a range and more than 366 days', async () => {
    const { db } = await testApp();
    const m = await createTestMerchant(db);
    const resolve = (q: DashboardQuery) => resolveDashboardRange(db, m.ctx('owner'), q);
    await expect(resolve({ from: '2026-03-10', to: '2026-03-09' })).rejects.toMatchObject({
      code: 'report.range_invalid',
      field: 'to',
    });
    await expect(resolve({ from: '2026-03-10' })).rejects.toMatchObject({ field: 'to' });
    await expect(resolve({ to: '2026-03-10' })).rejects.toMatchObject({ field: 'from' });
    await expect(resolve({ from: '2024-01-01', to: '2024-12-31' })).resolves.toBeTruthy();
    await expect(resolve({ from: '2024-01-01', to: '2025-01-01' })).rejects.toMatchObject({
      code: 'report.range_too_long',
    });
  });
});
