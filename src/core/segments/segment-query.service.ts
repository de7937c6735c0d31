import { type Expression, type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Database, Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { leavesOf } from './segment.rules.ts';
import type { SegmentLeaf, SegmentRule } from './segment.schema.ts';
import {
  type Bool,
  between,
  categoryLeaf,
  type EB,
  inWindow,
  orderOwners,
  ordersLeaf,
  type Pred,
  type SegmentDb,
  spendLeaf,
  storeLeaf,
} from './segment-order-leaves.ts';

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

type Join = 'f' | 'ml' | 'pt' | 'sv' | 'r';
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
