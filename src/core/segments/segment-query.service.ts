import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import type { Database, Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { RECENT_ORDERS } from '../facts/fact.rules.ts';
import type { MemberFactTable } from '../facts/fact.table.ts';
import type { LedgerBalanceTable } from '../ledger/ledger.table.ts';
import type { MemberTable } from '../members/member.table.ts';
import type { MemberRfmTable } from '../rfm/rfm.table.ts';
import type { MemberLoyaltyTable } from '../tiers/tier.table.ts';
import { leavesOf } from './segment.rules.ts';
import type { SegmentLeaf, SegmentRule } from './segment.schema.ts';

/*
 * The segment compiler: a rule tree becomes ONE parameterised query over `member m`, each
 * leaf a predicate on m, on a 1:1 summary row left-joined only when a leaf needs it
 * (f member_fact, ml member_loyalty, pt/pr/bo ledger_balance, r member_rfm), or an EXISTS /
 * IN over a fact or order table. Negation is pushed down to the leaves, and a leaf's
 * predicate is allowed to be NULL only where it means false: so a positive leaf over a joined
 * summary stays strict (the planner turns the left join into an inner one and starts from the
 * summary), and a negated one becomes `not coalesce(p, false)`. Windows of N days are the
 * orders paid at or after ctx.now − N × 24 h, read from member_fact.recent_order_at (the 32
 * newest paid_at); what the facts cannot answer exactly goes to sale_order.
 */

type Joined = {
  m: MemberTable;
  f: MemberFactTable;
  ml: MemberLoyaltyTable;
  pt: LedgerBalanceTable;
  pr: LedgerBalanceTable;
  bo: LedgerBalanceTable;
  r: MemberRfmTable;
};
type SegmentDb = Database & Joined;
type EB = ExpressionBuilder<SegmentDb, keyof Joined>;
type Bool = Expression<SqlBool>;
/** A leaf's predicate; `nullable`: NULL (meaning false) is possible, so negate with coalesce. */
type Pred = { e: Bool; nullable: boolean };
type Join = 'f' | 'ml' | 'pt' | 'sv' | 'r';
type Window = { days?: number; from?: string; to?: string };

export type SegmentQuery = SelectQueryBuilder<Database, 'member', { member_id: string }>;

/** Active members of ctx.merchantId matching `rule` at ctx.now, as one `member_id` column. */
export function segmentMembers(db: Db | Trx, ctx: Ctx, rule: SegmentRule): SegmentQuery {
  const joins = new Set(leavesOf(rule).flatMap(joinOf));
  const m = ctx.merchantId;
  let q = (db as unknown as Kysely<SegmentDb>).selectFrom('member as m');
  if (joins.has('f'))
    q = q.leftJoin('member_fact as f', (j) =>
      j.on('f.merchant_id', '=', m).onRef('f.member_id', '=', 'm.id'),
    ) as typeof q;
  if (joins.has('ml'))
    q = q.leftJoin('member_loyalty as ml', (j) =>
      j.on('ml.merchant_id', '=', m).onRef('ml.member_id', '=', 'm.id'),
    ) as typeof q;
  if (joins.has('pt')) q = joinLedger(q, m, 'pt', 'points');
  if (joins.has('sv')) q = joinLedger(joinLedger(q, m, 'pr', 'principal'), m, 'bo', 'bonus');
  if (joins.has('r'))
    q = q.leftJoin('member_rfm as r', (j) =>
      j.on('r.merchant_id', '=', m).onRef('r.member_id', '=', 'm.id'),
    ) as typeof q;
  return q
    .select('m.id as member_id')
    .where('m.merchant_id', '=', m)
    .where('m.status', '=', 'active')
    .where((eb) => compileNode(eb as EB, ctx, rule, true)) as unknown as SegmentQuery;
}

type Base = SelectQueryBuilder<SegmentDb, 'm', object>;
const joinLedger = <Q>(q: Q, m: string, as: 'pt' | 'pr' | 'bo', ledger: string): Q =>
  (q as unknown as Base).leftJoin(`ledger_balance as ${as}`, (j) =>
    j
      .on(`${as}.merchant_id`, '=', m)
      .onRef(`${as}.member_id`, '=', 'm.id')
      .on(`${as}.ledger`, '=', ledger as 'points'),
  ) as unknown as Q;

export async function countSegment(db: Db | Trx, ctx: Ctx, rule: SegmentRule): Promise<number> {
  const row = await db
    .selectFrom(segmentMembers(db, ctx, rule).as('s'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The first `limit` members by id; phones are masked by the HTTP layer for roles without pii. */
export async function sampleSegment(db: Db | Trx, ctx: Ctx, rule: SegmentRule, limit: number) {
  return db
    .selectFrom('member')
    .select(['id', 'card_no', 'name', 'phone'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', segmentMembers(db, ctx, rule))
    .orderBy('id')
    .limit(limit)
    .execute();
}

function compileNode(eb: EB, ctx: Ctx, node: SegmentRule, positive: boolean): Bool {
  if ('rules' in node) {
    const parts = node.rules.map((r) => compileNode(eb, ctx, r, positive));
    return (node.op === 'and') === positive ? eb.and(parts) : eb.or(parts);
  }
  if ('rule' in node) return compileNode(eb, ctx, node.rule, !positive);
  const { e, nullable } = compileLeaf(eb, ctx, node);
  if (positive) return e;
  return eb.not(nullable ? eb.fn.coalesce(e, sql.lit(false)) : e);
}

function joinOf(leaf: SegmentLeaf): Join[] {
  switch (leaf.field) {
    case 'tier':
      return ['ml'];
    case 'points':
      return ['pt'];
    case 'stored_value':
      return ['sv'];
    case 'rfm_group':
    case 'lifecycle':
    case 'rfm_score':
      return ['r'];
    case 'orders':
    case 'spend':
      return leaf.from === undefined ? ['f'] : [];
    default:
      return [];
  }
}

/** The one exhaustive switch: each kind of leaf as a predicate on member m. */
function compileLeaf(eb: EB, ctx: Ctx, leaf: SegmentLeaf): Pred {
  const strict = (e: Bool): Pred => ({ e, nullable: true });
  const total = (e: Bool): Pred => ({ e, nullable: false });
  switch (leaf.field) {
    case 'gender':
      return total(eb('m.gender', 'in', leaf.in));
    case 'birthday_month':
      return strict(eb(sql<number>`extract(month from m.birthday)::int`, 'in', leaf.months));
    case 'registered':
      return total(inWindow(eb, ctx, sql<Date>`m.registered_at`, leaf));
    case 'source_channel':
      return total(eb('m.source_channel', 'in', leaf.in));
    case 'home_store':
      return strict(eb('m.home_store_id', 'in', leaf.store_ids));
    case 'custom':
      return customLeaf(eb, leaf);
    case 'tag':
      return total(tagLeaf(eb, ctx, leaf));
    case 'tier':
      return strict(
        eb(
          sql<string>`coalesce(ml.tier_id, (select t.id from tier t
            where t.merchant_id = ${ctx.merchantId} and t.threshold = 0 limit 1))`,
          'in',
          leaf.tier_ids,
        ),
      );
    case 'points':
      return total(between(eb, sql<number>`coalesce(pt.balance, 0)`, leaf.min, leaf.max));
    case 'stored_value':
      return total(
        between(
          eb,
          sql<number>`coalesce(pr.balance, 0) + coalesce(bo.balance, 0)`,
          leaf.min,
          leaf.max,
        ),
      );
    case 'rfm_group':
      return strict(eb('r.rfm_group', 'in', leaf.in));
    case 'lifecycle':
      return strict(eb('r.lifecycle', 'in', leaf.in));
    case 'rfm_score':
      return strict(
        between(eb, eb.ref(`r.${leaf.score}`) as Expression<number>, leaf.min, leaf.max),
      );
    case 'orders':
      return ordersLeaf(eb, ctx, leaf);
    case 'spend':
      return spendLeaf(eb, ctx, leaf);
    case 'category':
      return total(categoryLeaf(eb, ctx, leaf));
    case 'sku':
      return total(
        eb(
          'm.id',
          'in',
          orderOwners(eb, ctx, leaf, (q) =>
            q.where(({ exists, selectFrom }) =>
              exists(
                selectFrom('sale_order_line as l')
                  .select(sql.lit(1).as('one'))
                  .where('l.merchant_id', '=', ctx.merchantId)
                  .whereRef('l.order_id', '=', 'o.id')
                  .where('l.sku_id', 'in', leaf.sku_ids)
                  .whereRef('l.refunded_quantity', '<', 'l.quantity'),
              ),
            ),
          ),
        ),
      );
    case 'store':
      return total(storeLeaf(eb, ctx, leaf));
    default: {
      const never: never = leaf;
      throw new Error(`unknown segment leaf ${JSON.stringify(never)}`);
    }
  }
}

/** min ≤ value ≤ max (either bound optional). */
function between(eb: EB, value: Expression<number>, min?: number, max?: number): Bool {
  const parts: Bool[] = [];
  if (min !== undefined) parts.push(eb(value, '>=', min));
  if (max !== undefined) parts.push(eb(value, '<=', max));
  return parts.length === 1 ? parts[0]! : eb.and(parts);
}

const since = (ctx: Ctx, days: number) => new Date(ctx.now.getTime() - days * 86_400_000);
/** The start of a local date in the merchant's zone, in SQL. */
const localStart = (ctx: Ctx, date: string, plusDays = 0) =>
  sql<Date>`((${date}::date + ${plusDays}::int)::timestamp at time zone
    (select z.time_zone from merchant z where z.id = ${ctx.merchantId}))`;

/** `at` inside the leaf's window (a window-less leaf: always). */
function inWindow(eb: EB, ctx: Ctx, at: Expression<Date>, w: Window): Bool {
  if (w.days !== undefined) return eb(at, '>=', since(ctx, w.days));
  if (w.from !== undefined && w.to !== undefined)
    return eb.and([eb(at, '>=', localStart(ctx, w.from)), eb(at, '<', localStart(ctx, w.to, 1))]);
  return sql<SqlBool>`true`;
}

type AnyEB = ExpressionBuilder<any, any>;
type OrdersLeaf = Extract<SegmentLeaf, { field: 'orders' }>;
type SpendLeaf = Extract<SegmentLeaf, { field: 'spend' }>;
type CategoryLeaf = Extract<SegmentLeaf, { field: 'category' }>;

const OWNER = sql<string>`coalesce(om.merged_into_id, om.id)`;
/** Net paid on an order: due minus the money refunded on it (a full refund does not count). */
const NET_FEN = sql<number>`o.due_fen - case when o.status = 'partially_refunded' then coalesce((
  select sum(rf.money_fen) from order_refund rf
  where rf.merchant_id = o.merchant_id and rf.order_id = o.id), 0) else 0 end`;
const LINE_FEN = sql<number>`l.due_fen * (l.quantity - l.refunded_quantity) / l.quantity`;

/**
 * The owners (a merged member's orders belong to the survivor) of the counted orders in the
 * window, as a `member_id` column: the exact fallback over sale_order (index merchant, member,
 * paid_at) when the facts cannot answer.
 */
function orderOwners(
  eb: AnyEB,
  ctx: Ctx,
  w: Window,
  extend: (q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any> = (q) => q,
) {
  const q = (eb as ExpressionBuilder<SegmentDb, 'm'>)
    .selectFrom('sale_order as o')
    .innerJoin('member as om', (j) =>
      j.onRef('om.merchant_id', '=', 'o.merchant_id').onRef('om.id', '=', 'o.member_id'),
    )
    .select(OWNER.as('member_id'))
    .where('o.merchant_id', '=', ctx.merchantId)
    .where('om.merchant_id', '=', ctx.merchantId)
    .where('o.status', '<>', 'refunded')
    .where((e) => inWindow(e as unknown as EB, ctx, sql<Date>`o.paid_at`, w));
  return extend(q);
}

/** Owners whose aggregate over their window's orders passes `having`. */
const ownersHaving = (
  eb: AnyEB,
  ctx: Ctx,
  w: Window,
  having: RawBuilderBool,
  extend?: (q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>,
) => orderOwners(eb, ctx, w, extend).groupBy(OWNER).having(having);
type RawBuilderBool = ReturnType<typeof sql<SqlBool>>;

function ordersLeaf(eb: EB, ctx: Ctx, leaf: OrdersLeaf): Pred {
  const min = leaf.min ?? (leaf.max === undefined ? 1 : 0);
  const max = leaf.max;
  if (leaf.days === undefined && leaf.from === undefined)
    return factBounds(eb, 'f.order_count', min, max);
  if (leaf.days !== undefined && min <= RECENT_ORDERS && (max ?? 0) < RECENT_ORDERS) {
    const t = since(ctx, leaf.days);
    const parts: Bool[] = [];
    if (min >= 1) parts.push(eb(sql<Date>`f.recent_order_at[${min}::int]`, '>=', t));
    if (max !== undefined)
      parts.push(eb(sql<Date>`coalesce(f.recent_order_at[${max + 1}::int], '-infinity')`, '<', t));
    if (parts.length === 0) return { e: sql<SqlBool>`true`, nullable: false };
    return { e: parts.length === 1 ? parts[0]! : eb.and(parts), nullable: min >= 1 };
  }
  return { e: aggregateBounds(eb, ctx, leaf, sql<number>`count(*)`, min, max), nullable: false };
}

function spendLeaf(eb: EB, ctx: Ctx, leaf: SpendLeaf): Pred {
  const min = leaf.min ?? 0;
  if (leaf.days === undefined && leaf.from === undefined)
    return factBounds(eb, 'f.spend_fen', min, leaf.max);
  return {
    e: aggregateBounds(eb, ctx, leaf, sql<number>`sum(${NET_FEN})`, min, leaf.max),
    nullable: false,
  };
}

/** min ≤ a summary column ≤ max, a missing summary row counting as 0. */
function factBounds(
  eb: EB,
  column: 'f.order_count' | 'f.spend_fen',
  min: number,
  max?: number,
): Pred {
  if (min >= 1) return { e: between(eb, eb.ref(column), min, max), nullable: true };
  if (max === undefined) return { e: sql<SqlBool>`true`, nullable: false };
  return { e: eb(eb.fn.coalesce(eb.ref(column), sql.lit(0)), '<=', max), nullable: false };
}

/** min ≤ aggregate over the window's orders ≤ max, members without orders counting as 0. */
function aggregateBounds(
  eb: EB,
  ctx: Ctx,
  w: Window,
  aggregate: Expression<number>,
  min: number,
  max?: number,
  extend?: (q: SelectQueryBuilder<any, any, any>) => SelectQueryBuilder<any, any, any>,
): Bool {
  const parts: Bool[] = [];
  if (min >= 1)
    parts.push(eb('m.id', 'in', ownersHaving(eb, ctx, w, sql`${aggregate} >= ${min}`, extend)));
  if (max !== undefined)
    parts.push(eb('m.id', 'not in', ownersHaving(eb, ctx, w, sql`${aggregate} > ${max}`, extend)));
  if (parts.length === 0) return sql<SqlBool>`true`;
  return parts.length === 1 ? parts[0]! : eb.and(parts);
}

function categoryLeaf(eb: EB, ctx: Ctx, leaf: CategoryLeaf): Bool {
  const { codes, min_orders, min_spend } = leaf;
  if (leaf.from === undefined && min_orders === undefined && min_spend === undefined)
    return eb.exists(
      eb
        .selectFrom('member_category_fact as c')
        .select(sql.lit(1).as('one'))
        .where('c.merchant_id', '=', ctx.merchantId)
        .whereRef('c.member_id', '=', 'm.id')
        .where('c.category', 'in', codes)
        .$if(leaf.days !== undefined, (q) =>
          q.where('c.last_order_at', '>=', since(ctx, leaf.days!)),
        ),
    );
  const lines = (q: SelectQueryBuilder<any, any, any>) =>
    q
      .innerJoin('sale_order_line as l', (j) =>
        j.on('l.merchant_id', '=', ctx.merchantId).onRef('l.order_id', '=', 'o.id'),
      )
      .where('l.category', 'in', codes)
      .whereRef('l.refunded_quantity', '<', 'l.quantity');
  const having = sql<SqlBool>`count(distinct o.id) >= ${min_orders ?? 1}
    and sum(${LINE_FEN}) >= ${min_spend ?? 0}`;
  return eb('m.id', 'in', ownersHaving(eb, ctx, leaf, having, lines));
}

function storeLeaf(eb: EB, ctx: Ctx, leaf: Extract<SegmentLeaf, { field: 'store' }>): Bool {
  if (leaf.from !== undefined)
    return eb(
      'm.id',
      'in',
      orderOwners(eb, ctx, leaf, (q) => q.where('o.store_id', 'in', leaf.store_ids)),
    );
  return eb.exists(
    eb
      .selectFrom('member_store_fact as s')
      .select(sql.lit(1).as('one'))
      .where('s.merchant_id', '=', ctx.merchantId)
      .whereRef('s.member_id', '=', 'm.id')
      .where('s.store_id', 'in', leaf.store_ids)
      .$if(leaf.days !== undefined, (q) =>
        q.where('s.last_order_at', '>=', since(ctx, leaf.days!)),
      ),
  );
}

function tagLeaf(eb: EB, ctx: Ctx, leaf: Extract<SegmentLeaf, { field: 'tag' }>): Bool {
  const tags = eb
    .selectFrom('member_tag as mt')
    .where('mt.merchant_id', '=', ctx.merchantId)
    .whereRef('mt.member_id', '=', 'm.id')
    .where('mt.tag_id', 'in', leaf.tag_ids);
  if (leaf.has === 'any') return eb.exists(tags.select(sql.lit(1).as('one')));
  if (leaf.has === 'none') return eb.not(eb.exists(tags.select(sql.lit(1).as('one'))));
  const wanted = new Set(leaf.tag_ids).size;
  return eb(
    tags.select((e) => e.fn.countAll<number>().as('n')),
    '=',
    wanted,
  );
}

function customLeaf(eb: EB, leaf: Extract<SegmentLeaf, { field: 'custom' }>): Pred {
  const text = sql<string>`m.custom ->> ${leaf.key}`;
  const numeric = sql<number>`case when jsonb_typeof(m.custom -> ${leaf.key}) = 'number'
    then (m.custom ->> ${leaf.key})::numeric end`;
  const numberValued = [leaf.value, leaf.min, leaf.max].some((v) => typeof v === 'number');
  const value = (numberValued ? numeric : text) as Expression<string | number>;
  const strict = (e: Bool): Pred => ({ e, nullable: true });
  switch (leaf.op) {
    case 'eq':
      return strict(eb(value, '=', leaf.value!));
    case 'in':
      return strict(eb(text, 'in', leaf.values!));
    case 'contains':
      return strict(sql<SqlBool>`strpos(${text}, ${String(leaf.value)}) > 0`);
    case 'gte':
      return strict(eb(value, '>=', leaf.value!));
    case 'lte':
      return strict(eb(value, '<=', leaf.value!));
    case 'between':
      return strict(eb.and([eb(value, '>=', leaf.min!), eb(value, '<=', leaf.max!)]));
    case 'set':
      return { e: sql<SqlBool>`${text} is not null`, nullable: false };
    case 'unset':
      return { e: sql<SqlBool>`${text} is null`, nullable: false };
    default: {
      const never: never = leaf.op;
      throw new Error(`unknown custom operator ${String(never)}`);
    }
  }
}
