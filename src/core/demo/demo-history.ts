import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';

/** Not in the catalogue: the seasonal 芒果系列 sold as hand-entered lines (S9 targets it). */
const MANGO = [
  { name: '芒果千层', price_fen: 3_800 },
  { name: '芒果班戟', price_fen: 2_600 },
  { name: '芒果慕斯杯', price_fen: 2_200 },
];
export const MANGO_CATEGORY = '芒果系列';

// order weight by local month: Spring Festival and Christmas peaks, Mid-Autumn and National Day
const MONTH_WEIGHT = [1.0, 0.9, 0.6, 0.6, 0.7, 0.75, 0.75, 0.7, 0.95, 0.8, 0.65, 1.0];
const BATCH = 50_000;
const DAY = 86_400_000;

export interface HistoryOptions {
  seed: number;
  /** share of members (0..1) who ever bought, before the never-bought tenth */
  share: number;
  /** mean orders a year of a buying member, before the per-member spread */
  perYear: number;
  /** only members without any order yet */
  onlyWithoutOrders?: boolean;
}

/**
 * Two years of history orders (channel `history`, awarding nothing) for the merchant's active
 * members, generated in SQL a batch of members at a time: per member a kind (about a tenth
 * never bought, 30 % churned six months to two years ago, 15 % dormant for two to six months,
 * the rest still buying), an own rate, times thinned by season and weekday at shop hours in
 * the merchant's zone, mostly at the home store, 1–3 lines from the catalogue and 芒果系列
 * (more of it in summer), 2 % refunded in full. Ids are UUIDv7-shaped and ascending, so the
 * indexes fill in order. Returns the number of orders written.
 */
export async function generateOrderHistory(
  db: Db | Trx,
  ctx: Ctx,
  options: HistoryOptions,
): Promise<number> {
  const products = await catalogue(db, ctx);
  const merchant = await db
    .selectFrom('merchant')
    .select('time_zone')
    .where('id', '=', ctx.merchantId)
    .executeTakeFirstOrThrow();
  const stores = await db
    .selectFrom('store')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('id')
    .execute();
  let written = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    const last = page.at(-1);
    if (!last) return written;
    const batch = { from: after, to: last.id, base: written };
    written += await historyBatch(db, ctx, options, {
      ...batch,
      zone: merchant.time_zone,
      storeIds: stores.map((s) => s.id),
      products,
    });
    after = last.id;
  }
}

async function catalogue(db: Db | Trx, ctx: Ctx) {
  const skus = await db
    .selectFrom('sku as s')
    .innerJoin('product as p', (j) =>
      j.onRef('p.merchant_id', '=', 's.merchant_id').onRef('p.id', '=', 's.product_id'),
    )
    .select(['s.id', 's.spec', 's.price_fen', 'p.name', 'p.category_code'])
    .where('s.merchant_id', '=', ctx.merchantId)
    .where('s.active', '=', true)
    .orderBy('s.id')
    .execute();
  const rows = [
    ...skus.map((s) => ({
      sku: s.id as string | null,
      name: s.spec ? `${s.name} ${s.spec}` : s.name,
      category: s.category_code,
      price_fen: s.price_fen,
    })),
    ...MANGO.map((m) => ({ sku: null, category: MANGO_CATEGORY, ...m })),
  ];
  return { rows, regular: skus.length };
}

interface Batch {
  from: string;
  to: string;
  base: number;
  zone: string;
  storeIds: string[];
  products: Awaited<ReturnType<typeof catalogue>>;
}

async function historyBatch(db: Db | Trx, ctx: Ctx, o: HistoryOptions, b: Batch) {
  const m = ctx.merchantId;
  const now = ctx.now;
  const p = b.products;
  const nRegular = p.regular;
  const nMango = p.rows.length - nRegular;
  const idOf = (k: RawSql) =>
    sql`(lpad(to_hex(${now.getTime() - 730 * DAY}::bigint + ${k}), 12, '0') || '7'
      || substr(md5(${k}::text || ${String(o.seed)}), 1, 3) || '8'
      || substr(md5(${k}::text || ${String(o.seed)}), 4, 15))::uuid`;
  const month = sql`extract(month from c.at at time zone ${b.zone})::int`;
  const withoutOrders = o.onlyWithoutOrders
    ? sql`and not exists (select 1 from sale_order x where x.merchant_id = ${m} and x.member_id = member.id)`
    : sql``;
  const result = await sql<{ n: number }>`
    with mem as materialized (
      select id, home_store_id, registered_at,
        random() as u_kind, random() as u_rate, random() as u_end, random() as u_share
      from member
      where merchant_id = ${m} and status = 'active' and id > ${b.from} and id <= ${b.to}
        ${withoutOrders}
    ),
    buyer as materialized (
      select id, home_store_id,
        greatest(registered_at, ${now}::timestamptz - interval '730 days') as start_at,
        case when u_kind < 0.40 then ${now}::timestamptz - (200 + u_end * 500) * interval '1 day'
             when u_kind < 0.55 then ${now}::timestamptz - (60 + u_end * 120) * interval '1 day'
             else ${now}::timestamptz end as end_at,
        ${o.perYear}::float8 * exp(u_rate * 2.4 - 1.2) as per_year
      from mem where u_kind >= 0.10 and u_share < ${o.share}::float8
    ),
    c as (
      select b.id as member_id, b.home_store_id, b.start_at,
        b.start_at + random() * (b.end_at - b.start_at) as at
      from buyer b
      cross join lateral generate_series(1, least(400, ceil(b.per_year * 1.45
        * extract(epoch from b.end_at - b.start_at) / 31557600)::int)) g
      where b.end_at > b.start_at
    ),
    o as materialized (
      select row_number() over () + ${b.base} as k, member_id,
        case when home_store_id is not null and random() < 0.75 then home_store_id
          else (${b.storeIds}::uuid[])[1 + floor(random() * ${b.storeIds.length})::int] end as store_id,
        greatest(start_at, least(${now}::timestamptz,
          (date_trunc('day', at at time zone ${b.zone}) + interval '8 hours'
            + random() * interval '13 hours') at time zone ${b.zone})) as paid_at,
        1 + (random() < 0.45)::int + (random() < 0.15)::int as n_lines,
        random() < 0.02 as refunded,
        ${month} between 5 and 9 as summer
      from c
      where random() < (${sql.lit(`{${MONTH_WEIGHT.join(',')}}`)}::float8[])[${month}]
        * case when extract(isodow from c.at at time zone ${b.zone}) >= 6 then 1.0 else 0.8 end
    ),
    l as materialized (
      select o.k, o.refunded, j as line_no,
        case when random() < case when o.summer then 0.3 else 0.08 end
          then ${nRegular + 1} + floor(random() * ${nMango})::int
          else 1 + floor(random() * ${nRegular})::int end as pi,
        case when random() < 0.75 then 1 when random() < 0.7 then 2 else 3 end as qty
      from o cross join lateral generate_series(1, o.n_lines) j
    ),
    priced as materialized (
      select l.*, (${p.rows.map((r) => r.price_fen)}::bigint[])[l.pi] * l.qty as fen from l
    ),
    total as (select k, sum(fen)::bigint as fen from priced group by k),
    ins_order as (
      insert into sale_order (merchant_id, id, number, channel, external_id, member_id, store_id,
        staff_id, status, amount_fen, tier_discount_fen, coupon_discount_fen, points_used,
        points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen, points_earned, growth,
        applied_coupon_ids, trace, points_debit_id, points_credit_id, wallet_payment_id, paid_at,
        created_at)
      select ${m}, ${idOf(sql`o.k`)}, nextval('sale_order_number'), 'history', null, o.member_id,
        o.store_id, null, case when o.refunded then 'refunded' else 'paid' end, t.fen, 0, 0, 0, 0,
        t.fen, 0, 0, t.fen, 0, 0, '{}', '[]', null, null, null, o.paid_at, o.paid_at
      from o join total t on t.k = o.k
    ),
    ins_line as (
      insert into sale_order_line (merchant_id, order_id, line_id, sku_id, name, category,
        quantity, unit_price_fen, amount_fen, tier_discount_fen, coupon_discount_fen, coupons,
        points_used, points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen,
        earn_base_fen, points_earned, growth, refunded_quantity)
      select ${m}, ${idOf(sql`l.k`)}, l.line_no::text, (${p.rows.map((r) => r.sku)}::uuid[])[l.pi],
        (${p.rows.map((r) => r.name)}::text[])[l.pi], (${p.rows.map((r) => r.category)}::text[])[l.pi],
        l.qty, l.fen / l.qty, l.fen, 0, 0, '[]', 0, 0, l.fen, 0, 0, l.fen, l.fen, 0, 0,
        case when l.refunded then l.qty else 0 end
      from priced l
    ),
    ins_refund as (
      insert into order_refund (merchant_id, id, order_id, reason, staff_id, complete, amounts,
        lines, money_fen, refund_reduction_fen, created_at)
      select ${m}, gen_random_uuid(), ${idOf(sql`o.k`)}, '顾客退货', null, true, '{}', '[]', t.fen, 0,
        least(${now}::timestamptz, o.paid_at + interval '1 day')
      from o join total t on t.k = o.k where o.refunded
    )
    select count(*)::int as n from o`.execute(db);
  return result.rows[0]?.n ?? 0;
}

type RawSql = ReturnType<typeof sql>;
