import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { cte, executeWrites, queries, rowsOf, type WriteSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import { changeReason, nextReviewAt, pickTier, upgradeTarget, windowStart } from './tier.rules.ts';
import { getTierSetting, listTiers } from './tier.service.ts';
import type { MemberLoyaltyRow, TierChangeReason, TierRow, TierSettingRow } from './tier.table.ts';

/**
 * The member's loyalty row, created on first use. A new row starts on the tier a value of 0
 * reaches (a threshold-0 base tier, if the merchant has one). The caller holds the member lock.
 */
export async function ensureLoyalty(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
): Promise<MemberLoyaltyRow> {
  const found = await trx
    .selectFrom('member_loyalty')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (found) return found;
  const inserted = await trx
    .insertInto('member_loyalty')
    .values({
      merchant_id: ctx.merchantId,
      member_id: memberId,
      tier_id: null,
      growth: 0,
      spend_fen: 0,
      tier_since: null,
      tier_review_at: null,
      activated_at: null,
      profile_bonus_at: null,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const base = pickTier(await listTiers(trx, ctx), 0);
  if (!base) return inserted;
  const setting = await getTierSetting(trx, ctx);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  return setMemberTier(trx, ctx, inserted, base, 0, setting, zone, 'upgrade');
}

/** Growth (or spend, per the merchant's basis) over the qualifying window ending now. */
export async function qualifyingValue(
  trx: Db | Trx,
  ctx: Ctx,
  memberId: string,
  setting: TierSettingRow,
  zone: string,
): Promise<number> {
  const from = windowStart(ctx.now, setting.review_months, zone);
  const column = setting.basis === 'spend' ? sql.ref('spend_fen') : sql.ref('growth');
  const row = await trx
    .selectFrom('growth_entry')
    .select(sql<number>`coalesce(sum(${column}), 0)::bigint`.as('value'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('created_at', '>=', from)
    .where('created_at', '<=', ctx.now)
    .executeTakeFirstOrThrow();
  return row.value;
}

/** What caused a tier change, recorded on its history row. */
export interface TierChangeCause {
  refType: string;
  refId: string;
}

export async function setMemberTier(
  trx: Trx,
  ctx: Ctx,
  loyalty: MemberLoyaltyRow,
  tier: TierRow | null,
  value: number,
  setting: TierSettingRow,
  zone: string,
  reason: TierChangeReason,
  cause?: TierChangeCause,
): Promise<MemberLoyaltyRow> {
  const updated = await trx
    .updateTable('member_loyalty')
    .set({
      tier_id: tier?.id ?? null,
      tier_since: tier ? ctx.now : null,
      tier_review_at: tier ? nextReviewAt(ctx.now, setting.review_months, zone) : null,
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', loyalty.member_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('tier_history')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: loyalty.member_id,
      from_tier_id: loyalty.tier_id,
      to_tier_id: tier?.id ?? null,
      reason,
      qualifying_value: value,
      ref_type: cause?.refType ?? null,
      ref_id: cause?.refId ?? null,
      created_at: ctx.now,
    })
    .execute();
  await emitEvent(trx, ctx, 'tier.changed', {
    member_id: loyalty.member_id,
    from_tier_id: loyalty.tier_id,
    to_tier_id: tier?.id ?? null,
    reason,
    qualifying_value: value,
  });
  return updated;
}

export interface GrowthInput {
  memberId: string;
  growth: number;
  spendFen?: number;
  kind: string;
  refType?: string;
  refId?: string;
  memo?: string;
}

export interface GrowthOutcome {
  loyalty: MemberLoyaltyRow;
  upgradedTo: TierRow | null;
}

/**
 * Records growth (and spend) and upgrades at once when the window value reaches a higher
 * tier. The caller holds the member lock, so the window sum and the upgrade are consistent.
 */
export async function awardGrowth(trx: Trx, ctx: Ctx, input: GrowthInput): Promise<GrowthOutcome> {
  const loyalty = await ensureLoyalty(trx, ctx, input.memberId);
  if (input.growth === 0 && (input.spendFen ?? 0) === 0) return { loyalty, upgradedTo: null };
  const result = await executeWrites(trx, growthWrites(ctx, 'growth', input));
  const setting = await getTierSetting(trx, ctx);
  const tiers = await listTiers(trx, ctx);
  const cause =
    input.refType && input.refId ? { refType: input.refType, refId: input.refId } : undefined;
  return upgradeIfReached(trx, ctx, grownOf(result, 'growth'), setting, tiers, cause);
}

/**
 * The growth entry and the loyalty totals as a part of a `WriteSet`; the loyalty row is made
 * if it is missing (as `ensureLoyalty` makes it when no tier starts at 0). The result
 * `${name}_loyalty` is the row as it now is.
 */
export function growthWrites(ctx: Ctx, name: string, input: GrowthInput): WriteSet {
  const spendFen = input.spendFen ?? 0;
  return {
    ctes: [
      cte(
        `${name}_entry`,
        queries.insertInto('growth_entry').values({
          merchant_id: ctx.merchantId,
          id: newId(),
          member_id: input.memberId,
          growth: input.growth,
          spend_fen: spendFen,
          kind: input.kind,
          ref_type: input.refType ?? null,
          ref_id: input.refId ?? null,
          memo: input.memo ?? null,
          created_at: ctx.now,
        }),
      ),
      cte(
        `${name}_loyalty`,
        queries
          .insertInto('member_loyalty')
          .values({
            merchant_id: ctx.merchantId,
            member_id: input.memberId,
            tier_id: null,
            growth: input.growth,
            spend_fen: spendFen,
            tier_since: null,
            tier_review_at: null,
            activated_at: null,
            profile_bonus_at: null,
            updated_at: ctx.now,
          })
          .onConflict((oc) =>
            oc.columns(['merchant_id', 'member_id']).doUpdateSet((eb) => ({
              growth: eb('member_loyalty.growth', '+', input.growth),
              spend_fen: eb('member_loyalty.spend_fen', '+', spendFen),
              updated_at: ctx.now,
            })),
          )
          .returningAll(),
      ),
    ],
    results: [rowsOf(`${name}_loyalty`)],
  };
}

export const grownOf = (result: Record<string, unknown>, name: string): MemberLoyaltyRow => {
  const row = (result[`${name}_loyalty`] as MemberLoyaltyRow[])[0]!;
  const date = (v: Date | null) => (v === null ? null : new Date(v));
  return {
    ...row,
    tier_since: date(row.tier_since),
    tier_review_at: date(row.tier_review_at),
    activated_at: date(row.activated_at),
    profile_bonus_at: date(row.profile_bonus_at),
    updated_at: new Date(row.updated_at),
  };
};

/**
 * After growth: the tier the window value now reaches, at once, if it is higher. The window
 * value never exceeds the lifetime total (every growth entry adds to it), so when no higher
 * tier is within the total there is no window to sum.
 */
export async function upgradeIfReached(
  trx: Trx,
  ctx: Ctx,
  grown: MemberLoyaltyRow,
  setting: TierSettingRow,
  tiers: readonly TierRow[],
  cause?: TierChangeCause,
): Promise<GrowthOutcome> {
  const current = tiers.find((t) => t.id === grown.tier_id) ?? null;
  const total = setting.basis === 'spend' ? grown.spend_fen : grown.growth;
  if (!upgradeTarget(tiers, current, total)) return { loyalty: grown, upgradedTo: null };
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const value = await qualifyingValue(trx, ctx, grown.member_id, setting, zone);
  const target = upgradeTarget(tiers, current, value);
  if (!target) return { loyalty: grown, upgradedTo: null };
  const reason = changeReason(current, target) ?? 'upgrade';
  const upgraded = await setMemberTier(
    trx,
    ctx,
    grown,
    target,
    value,
    setting,
    zone,
    reason,
    cause,
  );
  return { loyalty: upgraded, upgradedTo: target };
}

/**
 * After a refund has reversed its growth: the member goes down to the tier the remaining window
 * value reaches, but only when the tier they hold was last changed by an upgrade caused by the
 * refunded order and no review has kept it since (a review moves `tier_review_at` past the date
 * the upgrade set). A tier held for any other reason (reached by other orders, a merge, a review)
 * stays, as the review would keep it until its date. Never moves up. The caller holds the
 * member lock and has already recorded the negative growth.
 */
export async function downgradeForRefund(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  refund: { orderId: string; refundId: string },
): Promise<void> {
  const loyalty = await ensureLoyalty(trx, ctx, memberId);
  if (!loyalty.tier_id) return;
  const last = await trx
    .selectFrom('tier_history')
    .select(['reason', 'to_tier_id', 'ref_type', 'ref_id', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const byThisOrder =
    last?.reason === 'upgrade' &&
    last.to_tier_id === loyalty.tier_id &&
    last.ref_type === 'order' &&
    last.ref_id === refund.orderId;
  if (!byThisOrder) return;
  const setting = await getTierSetting(trx, ctx);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const setByUpgrade = nextReviewAt(last.created_at, setting.review_months, zone);
  if (loyalty.tier_review_at && loyalty.tier_review_at.getTime() > setByUpgrade.getTime()) return;
  const tiers = await listTiers(trx, ctx);
  const current = tiers.find((t) => t.id === loyalty.tier_id) ?? null;
  const value = await qualifyingValue(trx, ctx, memberId, setting, zone);
  const reached = pickTier(tiers, value);
  if (current && reached && reached.threshold >= current.threshold) return;
  await setMemberTier(trx, ctx, loyalty, reached, value, setting, zone, 'downgrade', {
    refType: 'order_refund',
    refId: refund.refundId,
  });
}

/**
 * For a member merge (S10): the merged member's growth entries move to the survivor with their
 * dates (so the qualifying window stays exact), its totals and once-only bonuses too, and the
 * survivor keeps the higher of the two tiers (or the one the summed window reaches). The
 * caller holds both member locks.
 */
export async function mergeLoyalty(trx: Trx, ctx: Ctx, mergedId: string, survivorId: string) {
  const merged = await trx
    .selectFrom('member_loyalty')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', mergedId)
    .executeTakeFirst();
  if (!merged) return { growth: 0, tier_id: null as string | null, tier_changed: false };
  const survivor = await ensureLoyalty(trx, ctx, survivorId);
  await trx
    .updateTable('growth_entry')
    .set({ member_id: survivorId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', mergedId)
    .execute();
  const summed = await trx
    .updateTable('member_loyalty')
    .set((eb) => ({
      growth: eb('growth', '+', merged.growth),
      spend_fen: eb('spend_fen', '+', merged.spend_fen),
      activated_at: survivor.activated_at ?? merged.activated_at,
      profile_bonus_at: survivor.profile_bonus_at ?? merged.profile_bonus_at,
      updated_at: ctx.now,
    }))
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', survivorId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('member_loyalty')
    .set({ growth: 0, spend_fen: 0, tier_id: null, tier_review_at: null, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', mergedId)
    .execute();
  const setting = await getTierSetting(trx, ctx);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const tiers = await listTiers(trx, ctx);
  const value = await qualifyingValue(trx, ctx, survivorId, setting, zone);
  const current = tiers.find((t) => t.id === summed.tier_id) ?? null;
  const theirs = tiers.find((t) => t.id === merged.tier_id) ?? null;
  const reached = upgradeTarget(tiers, current, value);
  const target = [reached, theirs].reduce<TierRow | null>(
    (best, t) => (t && t.threshold > (best?.threshold ?? current?.threshold ?? -1) ? t : best),
    null,
  );
  if (target) await setMemberTier(trx, ctx, summed, target, value, setting, zone, 'upgrade');
  return {
    growth: merged.growth,
    tier_id: target?.id ?? summed.tier_id,
    tier_changed: target !== null,
  };
}
