import type { Db, Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { localMonthOf } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { awardGrowth, ensureLoyalty, qualifyingValue } from './growth.service.ts';
import { checkRightUse, pickTier, tierProgress } from './tier.rules.ts';
import type { MemberTierStatus } from './tier.schema.ts';
import { getTierSetting, listTiers } from './tier.service.ts';

/** Tier, window value, progress, this month's service rights and history of one member. */
export async function getMemberTierStatus(
  db: Db,
  ctx: Ctx,
  memberId: string,
): Promise<MemberTierStatus> {
  await getMemberRow(db, ctx, memberId);
  const setting = await getTierSetting(db, ctx);
  const zone = (await getMerchant(db, ctx)).time_zone;
  const tiers = await listTiers(db, ctx);
  const loyalty = await db
    .selectFrom('member_loyalty')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const value = await qualifyingValue(db, ctx, memberId, setting, zone);
  // without a loyalty row yet the member stands on the base tier, if there is one
  const tier = loyalty ? (tiers.find((t) => t.id === loyalty.tier_id) ?? null) : pickTier(tiers, 0);
  const progress = tierProgress(tiers, tier, value);
  const month = localMonthOf(ctx.now, zone);
  const uses = await db
    .selectFrom('tier_right_use')
    .select(['right_code'])
    .select((eb) => eb.fn.countAll<number>().as('used'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('month', '=', month)
    .groupBy('right_code')
    .execute();
  const history = await db
    .selectFrom('tier_history')
    .select([
      'id',
      'from_tier_id',
      'to_tier_id',
      'reason',
      'qualifying_value',
      'ref_type',
      'ref_id',
      'created_at',
    ])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return {
    member_id: memberId,
    tier,
    tier_since: loyalty?.tier_since ?? null,
    review_at: loyalty?.tier_review_at ?? null,
    basis: setting.basis,
    growth: loyalty?.growth ?? 0,
    spend_fen: loyalty?.spend_fen ?? 0,
    qualifying_value: value,
    next_tier: progress.next,
    missing: progress.missing,
    rights: (tier?.rights ?? []).map((r) => {
      const used = Number(uses.find((u) => u.right_code === r.code)?.used ?? 0);
      return { ...r, used, remaining: Math.max(0, r.monthly_uses - used) };
    }),
    history,
  };
}

/**
 * Uses one of the member's tier service rights this local month. The member lock serializes
 * concurrent uses, so the count read is the count the new use is added to.
 */
export async function useTierRight(trx: Trx, ctx: Ctx, memberId: string, code: string) {
  await lockActiveMember(trx, ctx, memberId);
  const loyalty = await ensureLoyalty(trx, ctx, memberId);
  const tiers = await listTiers(trx, ctx);
  const tier = tiers.find((t) => t.id === loyalty.tier_id);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const month = localMonthOf(ctx.now, zone);
  const { used } = await trx
    .selectFrom('tier_right_use')
    .select((eb) => eb.fn.countAll<number>().as('used'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('right_code', '=', code)
    .where('month', '=', month)
    .executeTakeFirstOrThrow();
  const right = checkRightUse(tier?.rights ?? [], code, Number(used));
  const use = await trx
    .insertInto('tier_right_use')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: memberId,
      tier_id: tier!.id,
      right_code: code,
      month,
      actor_id: ctx.actor.id,
      used_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'tier.right_use',
    entityType: 'member',
    entityId: memberId,
    after: { right_code: code, month, used: Number(used) + 1 },
  });
  const nowUsed = Number(used) + 1;
  return {
    id: use.id,
    right_code: code,
    month,
    used: nowUsed,
    remaining: right.monthly_uses - nowUsed,
    used_at: use.used_at,
  };
}

/** Growth for an action (a review written, an event attended), with its reason. */
export async function grantGrowth(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { growth: number; reason: string },
) {
  await lockActiveMember(trx, ctx, memberId);
  const { loyalty, upgradedTo } = await awardGrowth(trx, ctx, {
    memberId,
    growth: input.growth,
    kind: 'action',
    memo: input.reason,
  });
  await recordAudit(trx, ctx, {
    action: 'tier.growth_grant',
    entityType: 'member',
    entityId: memberId,
    after: { growth: input.growth, reason: input.reason, tier_id: loyalty.tier_id },
  });
  return { growth: loyalty.growth, tier_id: loyalty.tier_id, upgraded: upgradedTo !== null };
}
