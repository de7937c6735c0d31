import type { Db } from '../../db/database.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import type { Ctx } from '../context.ts';

export interface OrderFilter {
  member_id?: string | undefined;
  store_id?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Orders newest first, of a member or a store: the purchase history marketing counts. */
export async function listOrders(db: Db, ctx: Ctx, filter: OrderFilter) {
  const limit = filter.limit ?? 50;
  let query = db
    .selectFrom('sale_order')
    .select([
      'id',
      'number',
      'channel',
      'external_id',
      'member_id',
      'store_id',
      'staff_id',
      'status',
      'amount_fen',
      'tier_discount_fen',
      'coupon_discount_fen',
      'points_used',
      'points_deduction_fen',
      'due_fen',
      'principal_fen',
      'bonus_fen',
      'tender_fen',
      'points_earned',
      'growth',
      'applied_coupon_ids',
      'paid_at',
      'created_at',
    ])
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filter.member_id) query = query.where('member_id', '=', filter.member_id);
  if (filter.store_id) query = query.where('store_id', '=', filter.store_id);
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor));
  return timePage(await query.execute(), limit);
}
