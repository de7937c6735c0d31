import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { localDateOf } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { lockActiveMember } from '../members/member.service.ts';
import { debitPoints, reverseDebit } from '../points/points-lot.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { checkRedeemable } from './mall.rules.ts';
import type { MallRedemptionRow } from './mall.table.ts';
import { fulfillerFor } from './reward-fulfiller.ts';
// registers the fulfiller of coupon rewards
import '../coupons/coupon-mall.fulfiller.ts';

/**
 * Redeems a reward for points, exactly once per unit of stock: the member row is locked, then
 * the reward row (always in that order, so two redemptions cannot deadlock), and the stock read
 * under the reward lock is the stock decremented. The last unit goes to one buyer; everybody
 * queued behind the lock then reads 0 and gets `mall.out_of_stock`, with no points taken.
 */
export async function redeemReward(
  trx: Trx,
  ctx: Ctx,
  rewardId: string,
  memberId: string,
): Promise<MallRedemptionRow> {
  await lockActiveMember(trx, ctx, memberId, 'member_id');
  const reward = await lockOwnRow(trx, ctx, 'mall_reward', rewardId, 'mall.reward_not_found');
  const fulfiller = fulfillerFor(reward.kind);
  const today = localDateOf(ctx.now, (await getMerchant(trx, ctx)).time_zone);
  const { count } = await trx
    .selectFrom('mall_redemption')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('reward_id', '=', rewardId)
    .where('status', '!=', 'cancelled')
    .executeTakeFirstOrThrow();
  checkRedeemable(reward, today, Number(count));
  const redemptionId = newId();
  const { entry } = await debitPoints(trx, ctx, {
    memberId,
    amount: reward.points_price,
    kind: 'mall_redeem',
    refType: 'mall_redemption',
    refId: redemptionId,
    memo: reward.name,
  });
  if (reward.stock !== null) {
    await trx
      .updateTable('mall_reward')
      .set((eb) => ({ stock: eb('stock', '-', 1), updated_at: ctx.now }))
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', rewardId)
      .execute();
  }
  const { pickup_code } = await fulfiller.fulfil(trx, ctx, { reward, redemptionId, memberId });
  const redemption = await trx
    .insertInto('mall_redemption')
    .values({
      merchant_id: ctx.merchantId,
      id: redemptionId,
      reward_id: rewardId,
      member_id: memberId,
      points: reward.points_price,
      status: 'redeemed',
      pickup_code,
      entry_id: entry.id,
      refund_entry_id: null,
      cancel_reason: null,
      created_at: ctx.now,
      fulfilled_at: null,
      cancelled_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'mall.redeem',
    entityType: 'member',
    entityId: memberId,
    before: { points: entry.balance_after + reward.points_price, stock: reward.stock },
    after: {
      points: entry.balance_after,
      reward_id: rewardId,
      redemption_id: redemptionId,
      stock: reward.stock === null ? null : reward.stock - 1,
    },
  });
  return redemption;
}

/**
 * Cancel or refund a redemption (after pickup, when the goods come back, only with
 * `wallet.refund`; audited either way): the points come
 * back as an entry that points at the spend it reverses — a unique index allows one — to the
 * lots they came from, and the unit goes back into stock. Locks: member, redemption, reward.
 */
export async function cancelRedemption(
  trx: Trx,
  ctx: Ctx,
  id: string,
  reason: string,
): Promise<MallRedemptionRow> {
  const { member_id: memberId } = await getOwnRow(
    trx,
    ctx,
    'mall_redemption',
    id,
    'mall.redemption_not_found',
  );
  await lockActiveMember(trx, ctx, memberId);
  const redemption = await trx
    .selectFrom('mall_redemption')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (redemption.status === 'cancelled') throw new DomainError('mall.already_cancelled');
  // after pickup the goods are gone: giving the points back is a refund, not a counter fix
  if (redemption.status === 'fulfilled' && !ctx.actor.permissions.has('wallet.refund'))
    throw new DomainError('auth.forbidden', { params: { permission: 'wallet.refund' } });
  const reward = await lockOwnRow(
    trx,
    ctx,
    'mall_reward',
    redemption.reward_id,
    'mall.reward_not_found',
  );
  await fulfillerFor(reward.kind).cancel(trx, ctx, redemption);
  const spend = await trx
    .selectFrom('ledger_entry')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', redemption.entry_id)
    .executeTakeFirstOrThrow();
  const refund = await reverseDebit(
    trx,
    ctx,
    spend,
    { kind: 'mall_refund', refType: 'mall_redemption', refId: id, memo: reason },
    memberId, // a merge moved the redemption (and the points) to the survivor
  );
  if (reward.stock !== null) {
    await trx
      .updateTable('mall_reward')
      .set((eb) => ({ stock: eb('stock', '+', 1), updated_at: ctx.now }))
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', reward.id)
      .execute();
  }
  const cancelled = await trx
    .updateTable('mall_redemption')
    .set({
      status: 'cancelled',
      refund_entry_id: refund.id,
      cancel_reason: reason,
      cancelled_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'mall.cancel',
    entityType: 'member',
    entityId: memberId,
    before: { status: redemption.status, points: refund.balance_after - redemption.points },
    after: { status: 'cancelled', points: refund.balance_after, redemption_id: id, reason },
  });
  return cancelled;
}

/** The member shows the pickup code at the counter; it works once. */
export async function pickUpRedemption(
  trx: Trx,
  ctx: Ctx,
  pickupCode: string,
): Promise<MallRedemptionRow> {
  const redemption = assertFound(
    await trx
      .selectFrom('mall_redemption')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('pickup_code', '=', pickupCode.trim())
      .forUpdate()
      .executeTakeFirst(),
    'mall.pickup_code_invalid',
    'pickup_code',
  );
  if (redemption.status === 'cancelled') throw new DomainError('mall.already_cancelled');
  if (redemption.status === 'fulfilled') throw new DomainError('mall.already_fulfilled');
  const fulfilled = await trx
    .updateTable('mall_redemption')
    .set({ status: 'fulfilled', fulfilled_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', redemption.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'mall.pickup',
    entityType: 'member',
    entityId: redemption.member_id,
    after: { redemption_id: redemption.id },
  });
  return fulfilled;
}

/** Newest first, a keyset page at a time. */
export async function listRedemptions(
  db: Db,
  ctx: Ctx,
  filter: {
    member_id?: string | undefined;
    reward_id?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
): Promise<{ items: MallRedemptionRow[]; next_cursor: string | null }> {
  const limit = filter.limit ?? 100;
  let query = db
    .selectFrom('mall_redemption')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filter.member_id) query = query.where('member_id', '=', filter.member_id);
  if (filter.reward_id) query = query.where('reward_id', '=', filter.reward_id);
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor));
  return timePage(await query.execute(), limit);
}
