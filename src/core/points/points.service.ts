import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { cte, executeWrites, queries, type WriteSet, writeSet } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { localDateOf, startOfLocalDay } from '../../lib/time.ts';
import { auditWrites, recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { lockActiveMember } from '../members/member.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { awardGrowth, ensureLoyalty } from '../tiers/growth.service.ts';
import { growthFromSpend } from '../tiers/tier.rules.ts';
import { getTierSetting, listTiers } from '../tiers/tier.service.ts';
import { EARN_MAX_FEN } from './points.schema.ts';
import {
  type EarnLine,
  earnPoints,
  grantCeiling,
  missingProfileFields,
} from './points-earn.rules.ts';
import { creditPoints, debitPoints, pointsBalance } from './points-lot.service.ts';
import { campaignsBetween, getPointsSetting } from './points-setting.service.ts';

export interface EarnInput {
  order_ref: string;
  lines: EarnLine[];
  paid_at: Date;
}

// A payment a little ahead of our clock (another till's clock) is accepted; a future one is not.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Points and growth for a paid order, once per order (the checkout calls this too). The rules
 * are evaluated at `paid_at` (birthday, campaigns) with the tier the member held when paying;
 * the lot's expiry counts from now, when the points are credited. Growth follows the amount
 * paid and may upgrade the tier at once — for the next order.
 */
export async function earnForOrder(trx: Trx, ctx: Ctx, memberId: string, input: EarnInput) {
  const total = input.lines.reduce((n, l) => n + l.amount_fen, 0);
  if (!Number.isSafeInteger(total) || total > EARN_MAX_FEN)
    throw new DomainError('points.amount_invalid', {
      field: 'lines',
      params: { max_fen: EARN_MAX_FEN },
    });
  const setting = await getPointsSetting(trx, ctx);
  checkPaidAt(input.paid_at, ctx.now, setting.earn_backdate_days);
  const member = await lockActiveMember(trx, ctx, memberId);
  const loyalty = await ensureLoyalty(trx, ctx, memberId);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const paidOn = localDateOf(input.paid_at, zone);
  const tier = (await listTiers(trx, ctx)).find((t) => t.id === loyalty.tier_id) ?? null;
  const result = earnPoints(
    input.lines,
    {
      default_fen_per_point: setting.default_fen_per_point,
      categories: setting.categories,
      campaigns: await campaignsBetween(trx, ctx, paidOn, paidOn),
      time_zone: zone,
    },
    tier,
    member,
    input.paid_at,
  );
  const earningId = newId();
  const credited =
    result.points > 0
      ? await creditPoints(trx, ctx, {
          memberId,
          amount: result.points,
          kind: 'earn',
          refType: 'order',
          refId: input.order_ref,
        })
      : null;
  const tierSetting = await getTierSetting(trx, ctx);
  const growth = growthFromSpend(result.amount_fen, tierSetting.fen_per_growth);
  const grown = await awardGrowth(trx, ctx, {
    memberId,
    growth,
    spendFen: result.amount_fen,
    kind: 'spend',
    refType: 'order',
    refId: input.order_ref,
  });
  const detail = {
    birthday: result.birthday,
    campaign_ids: result.campaign_ids,
    categories: result.categories,
  };
  await executeWrites(
    trx,
    earningWrites(ctx, 'earn', {
      id: earningId,
      memberId,
      order_ref: input.order_ref,
      paid_at: input.paid_at,
      amount_fen: result.amount_fen,
      points: result.points,
      growth,
      entry_id: credited?.entry.id ?? null,
      detail,
    }),
  ).catch((e: unknown) => {
    if (isUniqueViolation(e, 'points_earning_merchant_id_order_ref_key'))
      throw new DomainError('points.order_already_earned', { field: 'order_ref' });
    throw e;
  });
  return {
    member_id: memberId,
    order_ref: input.order_ref,
    points: result.points,
    entry_id: credited?.entry.id ?? null,
    balance: credited?.entry.balance_after ?? (await pointsBalance(trx, ctx, memberId)),
    lot: credited?.lot ?? null,
    growth,
    tier_id: grown.loyalty.tier_id,
    upgraded: grown.upgradedTo !== null,
    detail,
  };
}

export interface Earning {
  id: string;
  memberId: string;
  order_ref: string;
  paid_at: Date;
  amount_fen: number;
  points: number;
  growth: number;
  entry_id: string | null;
  detail: unknown;
}

/** The order's earning (once per order reference, by a unique index) and its audit row. */
export const earningWrites = (ctx: Ctx, name: string, e: Earning): WriteSet =>
  writeSet(
    {
      ctes: [
        cte(
          name,
          queries.insertInto('points_earning').values({
            merchant_id: ctx.merchantId,
            id: e.id,
            member_id: e.memberId,
            order_ref: e.order_ref,
            paid_at: e.paid_at,
            amount_fen: e.amount_fen,
            points: e.points,
            growth: e.growth,
            entry_id: e.entry_id,
            detail: JSON.stringify(e.detail),
            created_at: ctx.now,
          }),
        ),
      ],
      results: [],
    },
    auditWrites(ctx, `${name}_audit`, [
      {
        action: 'points.earn',
        entityType: 'member',
        entityId: e.memberId,
        after: { order_ref: e.order_ref, points: e.points, growth: e.growth },
      },
    ]),
  );

/** Not in the future (beyond another till's clock skew), not older than the rules allow. */
function checkPaidAt(paidAt: Date, now: Date, backdateDays: number) {
  const earliest = now.getTime() - backdateDays * 86_400_000;
  if (paidAt.getTime() > now.getTime() + CLOCK_SKEW_MS || paidAt.getTime() < earliest)
    throw new DomainError('points.paid_at_invalid', {
      field: 'paid_at',
      params: { earn_backdate_days: backdateDays },
    });
}

/**
 * A manual grant with its reason (S4: an adopted suggestion, 100–1000). Each role has a
 * ceiling per grant and per actor and local day; above them only the owner may grant, and
 * the refusal names the ceiling.
 */
export async function grantPoints(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { points: number; reason: string },
) {
  const setting = await getPointsSetting(trx, ctx);
  const ceiling = grantCeiling(ctx.actor, setting.grant_ceilings);
  if (ceiling !== null && input.points > ceiling)
    throw new DomainError('points.grant_over_ceiling', { field: 'points', params: { ceiling } });
  await checkDailyGrants(
    trx,
    ctx,
    input.points,
    grantCeiling(ctx.actor, setting.grant_daily_ceilings),
  );
  await lockActiveMember(trx, ctx, memberId);
  const { entry, lot } = await creditPoints(trx, ctx, {
    memberId,
    amount: input.points,
    kind: 'grant',
    memo: input.reason,
  });
  await recordAudit(trx, ctx, {
    action: 'points.grant',
    entityType: 'member',
    entityId: memberId,
    before: { points: entry.balance_after - input.points },
    after: { points: entry.balance_after, granted: input.points, reason: input.reason },
  });
  return {
    member_id: memberId,
    entry_id: entry.id,
    points: input.points,
    balance: entry.balance_after,
    lot,
  };
}

/**
 * What this actor granted today (local day), all members together, plus this grant, within
 * the daily ceiling. A transaction-scoped advisory lock per actor serialises their grants, so
 * parallel grants to different members cannot both fit under the ceiling.
 */
async function checkDailyGrants(trx: Trx, ctx: Ctx, points: number, ceiling: number | null) {
  if (ceiling === null) return;
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const since = startOfLocalDay(localDateOf(ctx.now, zone), zone);
  const lockKey = `grant:${ctx.merchantId}:${ctx.actor.id}`;
  // its own statement: the sum below must be read with a snapshot taken after the lock
  await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(trx);
  const { rows } = await sql<{ granted: string }>`
    select coalesce(sum(amount), 0)::bigint as granted from ledger_entry
    where merchant_id = ${ctx.merchantId} and kind = 'grant' and actor_id = ${ctx.actor.id}
      and created_at >= ${since}`.execute(trx);
  const granted = Number(rows[0]!.granted);
  if (granted + points > ceiling)
    throw new DomainError('points.grant_over_daily_ceiling', {
      field: 'points',
      params: { ceiling, granted_today: granted },
    });
}

type Bonus = 'activation' | 'profile_bonus';

/** Activation (+100 in S4) and profile completion: each paid once per member, ever. */
export async function grantBonus(trx: Trx, ctx: Ctx, memberId: string, bonus: Bonus) {
  const member = await lockActiveMember(trx, ctx, memberId);
  const loyalty = await ensureLoyalty(trx, ctx, memberId);
  const setting = await getPointsSetting(trx, ctx);
  const tierSetting = await getTierSetting(trx, ctx);
  const done = bonus === 'activation' ? loyalty.activated_at : loyalty.profile_bonus_at;
  if (done) throw new DomainError('points.bonus_already_granted');
  if (bonus === 'profile_bonus') {
    const missing = missingProfileFields(member);
    if (missing.length > 0)
      throw new DomainError('points.profile_incomplete', { params: { missing } });
  }
  const points = bonus === 'activation' ? setting.activation_bonus : setting.profile_bonus;
  const growth =
    bonus === 'activation' ? tierSetting.activation_growth : tierSetting.profile_growth;
  if (points === 0 && growth === 0) throw new DomainError('points.bonus_disabled');
  await trx
    .updateTable('member_loyalty')
    .set(bonus === 'activation' ? { activated_at: ctx.now } : { profile_bonus_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .execute();
  const credited =
    points > 0 ? await creditPoints(trx, ctx, { memberId, amount: points, kind: bonus }) : null;
  const grown = await awardGrowth(trx, ctx, { memberId, growth, kind: bonus });
  await recordAudit(trx, ctx, {
    action: `points.${bonus}`,
    entityType: 'member',
    entityId: memberId,
    after: { points, growth },
  });
  return {
    member_id: memberId,
    bonus,
    points,
    entry_id: credited?.entry.id ?? null,
    balance: credited?.entry.balance_after ?? (await pointsBalance(trx, ctx, memberId)),
    lot: credited?.lot ?? null,
    growth,
    tier_id: grown.loyalty.tier_id,
  };
}

/** Spending at the counter (or by an integration) with a reason and an optional reference. */
export async function spendMemberPoints(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { points: number; reason: string; ref?: string | undefined },
) {
  await lockActiveMember(trx, ctx, memberId);
  const { entry, plan } = await debitPoints(trx, ctx, {
    memberId,
    amount: input.points,
    kind: 'spend',
    memo: input.reason,
    ...(input.ref ? { refType: 'external', refId: input.ref } : {}),
  });
  await recordAudit(trx, ctx, {
    action: 'points.spend',
    entityType: 'member',
    entityId: memberId,
    before: { points: entry.balance_after + input.points },
    after: { points: entry.balance_after, spent: input.points, reason: input.reason },
  });
  return {
    member_id: memberId,
    entry_id: entry.id,
    points: -input.points,
    balance: entry.balance_after,
    lots_used: plan.uses,
    lotless_used: plan.lotless,
  };
}
