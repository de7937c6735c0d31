import type { MemberCategoryFactRow, MemberFactRow } from './fact.table.ts';

/**
 * How many of a member's most recent counted order times member_fact keeps (recent_order_at,
 * newest first). Window rules "at least k orders since t" are exact for k <= RECENT_ORDERS.
 */
export const RECENT_ORDERS = 32;

/*
 * The questions the facts answer exactly at any instant, and their SQL twins for the segment
 * compiler (f = member_fact, c = member_category_fact; no row = no counted order):
 * - at least k orders since t (1 <= k <= 32): the k-th newest counted order is at or after t;
 *   SQL `f.recent_order_at[k] >= t` (PG arrays are 1-based; a missing element is null = false)
 * - no order since t: `f.member_id is null or f.last_order_at < t`
 * - lifetime spend >= X fen: `coalesce(f.spend_fen, 0) >= X` (net of refunds)
 * - bought category C since t: `c.category = C and c.last_order_at >= t` (a line counts for its
 *   category until every unit of it is refunded)
 * Counts in a closed window [a, b) follow: orders since a minus orders since b, each exact while
 * the member has fewer than 32 counted orders since a (beyond that, fall back to sale_order).
 */

/** At least `k` counted orders paid at or after `t` (k in 1..RECENT_ORDERS). */
export function hasOrdersSince(fact: MemberFactRow | undefined, k: number, t: Date): boolean {
  if (!Number.isInteger(k) || k < 1 || k > RECENT_ORDERS) throw new RangeError(`k = ${k}`);
  const kth = fact?.recent_order_at[k - 1];
  return kth !== undefined && kth.getTime() >= t.getTime();
}

/**
 * Counted orders since `t` as far as the recent times tell: `exact` is false when all kept
 * times are at or after `t` and the member has more orders than are kept (then `count` is a
 * lower bound).
 */
export function ordersSince(
  fact: MemberFactRow | undefined,
  t: Date,
): { count: number; exact: boolean } {
  if (!fact) return { count: 0, exact: true };
  const count = fact.recent_order_at.filter((at) => at.getTime() >= t.getTime()).length;
  return { count, exact: count < fact.recent_order_at.length || count === fact.order_count };
}

export const noOrderSince = (fact: MemberFactRow | undefined, t: Date): boolean =>
  !fact || fact.last_order_at.getTime() < t.getTime();

export const spentAtLeast = (fact: MemberFactRow | undefined, fen: number): boolean =>
  (fact?.spend_fen ?? 0) >= fen;

export const boughtCategorySince = (
  facts: readonly MemberCategoryFactRow[],
  category: string,
  t: Date,
): boolean =>
  facts.some((c) => c.category === category && c.last_order_at.getTime() >= t.getTime());
