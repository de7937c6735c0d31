import { type RawBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { executeWrites, type WriteSet } from '../../db/write-set.ts';
import type { Ctx } from '../context.ts';
import { RECENT_ORDERS } from './fact.rules.ts';

/*
 * member_fact, member_category_fact and member_store_fact summarise each member's counted
 * orders (contract of issue 9): an order counts unless fully refunded; its spend is due_fen
 * net of the money refunded on it; a line counts for its category with its due_fen scaled by
 * the units not refunded (rounded down), and not at all once every unit is refunded. Orders
 * of a member merged into another belong to the survivor (merges are flat: merged_into_id is
 * always the survivor), so the survivor's facts hold the person's whole history and the
 * merged record has none.
 */

/**
 * Where the facts read orders from: relations with the columns of sale_order (`o`) and
 * sale_order_line (`l`) — the tables, or the insert CTEs of the same statement that return
 * them (its other parts cannot see the new rows in the tables) — and `scope`, a predicate on
 * `o` and `m` (the owner member).
 */
export interface FactSource {
  orders: RawBuilder<unknown>;
  lines: RawBuilder<unknown>;
  scope: RawBuilder<unknown>;
}

const stored = (scope: RawBuilder<unknown>): FactSource => ({
  orders: sql`sale_order`,
  lines: sql`sale_order_line`,
  scope,
});

/** Counted orders of the source, with their owner and net spend. */
const counted = (merchantId: string, src: FactSource) => sql`
  select coalesce(m.merged_into_id, m.id) as member_id, o.id, o.store_id, o.paid_at,
    o.due_fen - case when o.status = 'partially_refunded' then coalesce((
      select sum(r.money_fen) from order_refund r
      where r.merchant_id = ${merchantId} and r.order_id = o.id), 0) else 0 end as spend_fen
  from ${src.orders} o
  join member m on m.merchant_id = o.merchant_id and m.id = o.member_id
  where o.merchant_id = ${merchantId} and o.status <> 'refunded' and ${src.scope}`;

type Conflict = (kind: 'fact' | 'store' | 'category') => RawBuilder<unknown>;

/**
 * The source's counted orders and the three inserts from them (targets aliased `t`), as a
 * `WriteSet` part whose CTEs are named `<name>_…`; `conflict` ends each insert.
 */
function factWrites(
  ctx: Ctx,
  name: string,
  src: FactSource,
  conflict: Conflict,
  materialized = false,
): WriteSet {
  const id = (part: string) => sql.id(`${name}_${part}`);
  const counted_ = id('counted');
  return {
    ctes: [
      sql`${counted_} as ${materialized ? sql`materialized` : sql``} (${counted(ctx.merchantId, src)})`,
      sql`${id('member')} as (
        insert into member_fact as t (merchant_id, member_id, first_order_at, last_order_at,
          order_count, spend_fen, recent_order_at, updated_at)
        select ${ctx.merchantId}, member_id, min(paid_at), max(paid_at), count(*), sum(spend_fen),
          (array_agg(paid_at order by paid_at desc))[1:${sql.lit(RECENT_ORDERS)}], ${ctx.now}
        from ${counted_} group by member_id
        ${conflict('fact')})`,
      sql`${id('store')} as (
        insert into member_store_fact as t (merchant_id, member_id, store_id, order_count,
          spend_fen, first_order_at, last_order_at)
        select ${ctx.merchantId}, member_id, store_id, count(*), sum(spend_fen), min(paid_at),
          max(paid_at)
        from ${counted_} group by member_id, store_id
        ${conflict('store')})`,
      sql`${id('per_category')} as (
        select c.member_id, c.id, c.paid_at, l.category,
          sum(l.quantity - l.refunded_quantity) as quantity,
          sum(l.due_fen * (l.quantity - l.refunded_quantity) / l.quantity) as spend_fen
        from ${counted_} c
        join ${src.lines} l on l.merchant_id = ${ctx.merchantId} and l.order_id = c.id
        where l.refunded_quantity < l.quantity
        group by c.member_id, c.id, c.paid_at, l.category)`,
      sql`${id('category')} as (
        insert into member_category_fact as t (merchant_id, member_id, category, order_count,
          quantity, spend_fen, first_order_at, last_order_at)
        select ${ctx.merchantId}, member_id, category, count(*), sum(quantity), sum(spend_fen),
          min(paid_at), max(paid_at)
        from ${id('per_category')} group by member_id, category
        ${conflict('category')})`,
    ],
    results: [],
  };
}

const replace: Record<'fact' | 'store' | 'category', RawBuilder<unknown>> = {
  fact: sql`on conflict (merchant_id, member_id) do update set
    first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
    order_count = excluded.order_count, spend_fen = excluded.spend_fen,
    recent_order_at = excluded.recent_order_at, updated_at = excluded.updated_at`,
  store: sql`on conflict (merchant_id, member_id, store_id) do update set
    order_count = excluded.order_count, spend_fen = excluded.spend_fen,
    first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at`,
  category: sql`on conflict (merchant_id, member_id, category) do update set
    order_count = excluded.order_count, quantity = excluded.quantity,
    spend_fen = excluded.spend_fen, first_order_at = excluded.first_order_at,
    last_order_at = excluded.last_order_at`,
};

const span = sql`first_order_at = least(t.first_order_at, excluded.first_order_at),
    last_order_at = greatest(t.last_order_at, excluded.last_order_at),
    order_count = t.order_count + excluded.order_count,
    spend_fen = t.spend_fen + excluded.spend_fen`;

// adds one order to what is there; the newest RECENT_ORDERS times stay, sorted (an imported
// order may be older than the ones already recorded)
const accumulate: Record<'fact' | 'store' | 'category', RawBuilder<unknown>> = {
  fact: sql`on conflict (merchant_id, member_id) do update set ${span},
    recent_order_at = array(select x from unnest(t.recent_order_at || excluded.recent_order_at) x
      order by x desc limit ${sql.lit(RECENT_ORDERS)}),
    updated_at = excluded.updated_at`,
  store: sql`on conflict (merchant_id, member_id, store_id) do update set ${span}`,
  category: sql`on conflict (merchant_id, member_id, category) do update set ${span},
    quantity = t.quantity + excluded.quantity`,
};

/**
 * Adds new orders of the source to their members' facts, as a part of a `WriteSet` (the
 * checkout's one statement reads its order and lines from their insert CTEs); nothing for a
 * guest order. Concurrent orders of one member serialise on the fact row and each adds to the
 * other's result.
 */
export const orderFactWrites = (ctx: Ctx, name: string, src: FactSource) =>
  factWrites(ctx, name, src, (kind) => accumulate[kind]);

/**
 * Adds new orders, already in the tables, to their members' facts: one statement for all,
 * planned for its own batch (a generic plan cached while the order tables were small kept
 * scanning them whole as an import filled them).
 */
export async function recordOrderFacts(
  trx: Trx,
  ctx: Ctx,
  orderIds: readonly string[],
): Promise<void> {
  if (orderIds.length === 0) return;
  await executeWrites(
    trx,
    orderFactWrites(ctx, 'facts', stored(sql`o.id = any(${orderIds}::uuid[])`)),
    { prepare: false },
  );
}

/**
 * Recomputes the facts of these members (and of the survivor of any merged one) from their
 * orders: the members' rows go, then what their counted orders say comes back. Two
 * statements, so the second reads orders committed while the first waited on a row lock.
 */
export async function refreshMemberFacts(
  trx: Trx | Db,
  ctx: Ctx,
  memberIds: readonly string[],
): Promise<void> {
  if (memberIds.length === 0) return;
  const m = ctx.merchantId;
  const targets = sql`(
    select id from member where merchant_id = ${m} and id = any(${memberIds}::uuid[])
    union
    select merged_into_id from member
    where merchant_id = ${m} and id = any(${memberIds}::uuid[]) and merged_into_id is not null)`;
  await sql`
    with f as (delete from member_fact where merchant_id = ${m} and member_id in ${targets}),
    s as (delete from member_store_fact where merchant_id = ${m} and member_id in ${targets})
    delete from member_category_fact where merchant_id = ${m} and member_id in ${targets}`.execute(
    trx,
  );
  // the targets' own orders and those of records merged into them (index member_merged_into)
  const scope = sql`o.member_id in (select id from ${targets} t
      union all select id from member where merchant_id = ${m} and merged_into_id in ${targets})
    and coalesce(m.merged_into_id, m.id) in ${targets}`;
  await executeWrites(
    trx,
    factWrites(ctx, 'facts', stored(scope), (kind) => replace[kind]),
  );
}

/**
 * The whole merchant from scratch, set-based (the scale demo, a large history import): all its
 * fact rows go and are written again from one pass over its orders, in one transaction (the
 * caller's, when given one).
 */
export async function rebuildMerchantFacts(db: Db | Trx, ctx: Ctx): Promise<void> {
  const m = ctx.merchantId;
  const rebuild = async (trx: Trx) => {
    await sql`set local work_mem = '256MB'`.execute(trx);
    await sql`
      with f as (delete from member_fact where merchant_id = ${m}),
      s as (delete from member_store_fact where merchant_id = ${m})
      delete from member_category_fact where merchant_id = ${m}`.execute(trx);
    await executeWrites(
      trx,
      factWrites(ctx, 'facts', stored(sql`true`), () => sql``, true),
      { prepare: false },
    );
  };
  if (db.isTransaction) await rebuild(db as Trx);
  else await db.transaction().execute(rebuild);
}
