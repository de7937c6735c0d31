import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { localDateOf } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { isOnSale } from './mall.rules.ts';
import type { RewardBody, RewardPatch } from './mall.schema.ts';
import type { MallRewardRow } from './mall.table.ts';
import { fulfillerFor } from './reward-fulfiller.ts';
// registers the fulfiller of coupon rewards
import '../coupons/coupon-mall.fulfiller.ts';

/** A coupon reward names a coupon template of the merchant; it is what the member gets. */
async function checkCouponTemplate(
  db: Db | Trx,
  ctx: Ctx,
  reward: { kind: string; coupon_template_id?: string | null | undefined },
) {
  if (reward.kind !== 'coupon') return;
  if (!reward.coupon_template_id)
    throw new DomainError('mall.coupon_template_required', { field: 'coupon_template_id' });
  await getOwnRow(
    db,
    ctx,
    'coupon_template',
    reward.coupon_template_id,
    'coupon.template_not_found',
    'coupon_template_id',
  );
}

function checkDates(input: { starts_on?: string | null; ends_on?: string | null }) {
  if (input.starts_on && input.ends_on && input.ends_on < input.starts_on)
    throw new DomainError('points.dates_invalid', { field: 'ends_on' });
}

export async function createReward(trx: Trx, ctx: Ctx, input: RewardBody): Promise<MallRewardRow> {
  // a kind nobody can fulfil yet (coupon, until the coupons module registers) is refused here
  fulfillerFor(input.kind);
  checkDates(input);
  await checkCouponTemplate(trx, ctx, input);
  const reward = await trx
    .insertInto('mall_reward')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      kind: input.kind,
      name: input.name.trim(),
      description: input.description ?? null,
      points_price: input.points_price,
      stock: input.stock ?? null,
      per_member_limit: input.per_member_limit ?? null,
      starts_on: input.starts_on ?? null,
      ends_on: input.ends_on ?? null,
      active: input.active ?? true,
      coupon_template_id: input.coupon_template_id ?? null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'mall.reward_create',
    entityType: 'mall_reward',
    entityId: reward.id,
    after: input,
  });
  return reward;
}

export const getReward = (db: Db | Trx, ctx: Ctx, id: string): Promise<MallRewardRow> =>
  getOwnRow(db, ctx, 'mall_reward', id, 'mall.reward_not_found');

/** Stock set here is the new count; redemptions in flight wait on the same row lock. */
export async function updateReward(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: RewardPatch,
): Promise<MallRewardRow> {
  const before = await lockOwnRow(trx, ctx, 'mall_reward', id, 'mall.reward_not_found');
  const patch = pickDefined(input, {
    name: true,
    description: true,
    points_price: true,
    stock: true,
    per_member_limit: true,
    starts_on: true,
    ends_on: true,
    active: true,
    coupon_template_id: true,
  });
  checkDates({ ...before, ...patch });
  if (patch.coupon_template_id !== undefined)
    await checkCouponTemplate(trx, ctx, { ...before, ...patch });
  const reward = await trx
    .updateTable('mall_reward')
    .set({ ...patch, ...(patch.name ? { name: patch.name.trim() } : {}), updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const changed = Object.keys(patch) as (keyof typeof patch)[];
  await recordAudit(trx, ctx, {
    action: 'mall.reward_update',
    entityType: 'mall_reward',
    entityId: id,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: input,
  });
  return reward;
}

export async function listRewards(
  db: Db,
  ctx: Ctx,
  filter: { available?: boolean | undefined },
): Promise<MallRewardRow[]> {
  const rewards = await db
    .selectFrom('mall_reward')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('points_price')
    .orderBy('id')
    .execute();
  if (!filter.available) return rewards;
  const today = localDateOf(ctx.now, (await getMerchant(db, ctx)).time_zone);
  return rewards.filter((r) => isOnSale(r, today) && (r.stock === null || r.stock > 0));
}
