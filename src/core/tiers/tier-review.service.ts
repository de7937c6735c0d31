import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { nextReviewAt, windowStart } from './tier.rules.ts';
import { getTierSetting } from './tier.service.ts';

export interface ReviewOutcome {
  reviewed: number;
  changed: number;
}

/**
 * Reviews, in one set-based statement, every member of the merchant whose review date (a local
 * midnight) has come: the member keeps the tier if the growth (or spend) of the last
 * `review_months` still reaches it, else moves to the tier it reaches. Either way the next
 * review is `review_months` later, so a second run finds nobody due and changes nothing.
 *
 * A member who earned between this statement's snapshot and its update is skipped (the
 * growth/spend guard fails on the re-checked row) and reviewed on the next run with the
 * fresh value, so a review never acts on a stale sum.
 */
export async function reviewMerchantTiers(trx: Trx, ctx: Ctx): Promise<ReviewOutcome> {
  const setting = await getTierSetting(trx, ctx);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const from = windowStart(ctx.now, setting.review_months, zone);
  const next = nextReviewAt(ctx.now, setting.review_months, zone);
  const value =
    setting.basis === 'spend'
      ? sql`coalesce(sum(g.spend_fen), 0)`
      : sql`coalesce(sum(g.growth), 0)`;
  const m = ctx.merchantId;
  const { rows } = await sql<{ reviewed: number; changed: number }>`
    with due as (
      select ml.member_id, ml.tier_id, ml.growth, ml.spend_fen
      from member_loyalty ml
      where ml.merchant_id = ${m} and ml.tier_review_at <= ${ctx.now}
    ),
    valued as (
      select d.member_id, ${value}::bigint as value
      from due d
      left join growth_entry g on g.merchant_id = ${m} and g.member_id = d.member_id
        and g.created_at >= ${from} and g.created_at <= ${ctx.now}
      group by d.member_id
    ),
    target as (
      select v.member_id, v.value,
        (select t.id from tier t where t.merchant_id = ${m} and t.threshold <= v.value
          order by t.threshold desc limit 1) as tier_id
      from valued v
    ),
    updated as (
      update member_loyalty ml set
        tier_id = t.tier_id,
        tier_since = case when ml.tier_id is distinct from t.tier_id then ${ctx.now}
          else ml.tier_since end,
        tier_review_at = case when t.tier_id is null then null else ${next}::timestamptz end,
        updated_at = ${ctx.now}
      from due d join target t on t.member_id = d.member_id
      where ml.merchant_id = ${m} and ml.member_id = d.member_id
        and ml.tier_review_at <= ${ctx.now}
        and ml.growth = d.growth and ml.spend_fen = d.spend_fen
      returning ml.member_id, d.tier_id as from_tier_id, t.tier_id as to_tier_id, t.value
    ),
    history as (
      insert into tier_history (merchant_id, id, member_id, from_tier_id, to_tier_id, reason,
        qualifying_value, created_at)
      select ${m}, ${sqlUuidV7}, u.member_id, u.from_tier_id, u.to_tier_id,
        case when coalesce(tt.threshold, -1) > coalesce(tf.threshold, -1) then 'upgrade'
          else 'downgrade' end,
        u.value, ${ctx.now}
      from updated u
      left join tier tf on tf.merchant_id = ${m} and tf.id = u.from_tier_id
      left join tier tt on tt.merchant_id = ${m} and tt.id = u.to_tier_id
      where u.from_tier_id is distinct from u.to_tier_id
      returning 1
    )
    select (select count(*) from updated)::int as reviewed,
      (select count(*) from history)::int as changed`.execute(trx);
  const outcome = rows[0]!;
  // the history rows are the per-member record; the audit keeps one line per run that acted
  if (outcome.reviewed > 0)
    await recordAudit(trx, ctx, {
      action: 'tier.review',
      entityType: 'tier_setting',
      entityId: null,
      after: { ...outcome, window_from: from, next_review_at: next },
    });
  return outcome;
}

/** Every merchant whose members are due, each in its own transaction. */
export async function reviewDueTiers(
  db: Db,
  now: Date,
): Promise<ReviewOutcome & { merchants: number }> {
  const merchants = await db.selectFrom('merchant').select('id').orderBy('id').execute();
  const total = { merchants: 0, reviewed: 0, changed: 0 };
  for (const { id } of merchants) {
    const outcome = await db
      .transaction()
      .execute((trx) => reviewMerchantTiers(trx, systemCtx(id, now)));
    if (outcome.reviewed === 0) continue;
    total.merchants += 1;
    total.reviewed += outcome.reviewed;
    total.changed += outcome.changed;
  }
  return total;
}
