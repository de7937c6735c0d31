import { type Expression, sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { segmentMembers } from '../segments/segment-query.service.ts';
import type { CampaignRow } from './campaign.table.ts';

/**
 * The condition on `member m` that picks the members a campaign targets now. A member list is
 * one array parameter matched on the primary key (a join to its unnest was planned as a scan of
 * the merchant's members per listed id before the table was analysed); a segment is a semi-join.
 */
function targeted(db: Db | Trx, ctx: Ctx, campaign: CampaignRow): Expression<unknown> {
  if (campaign.target_member_ids) return sql`m.id = any(${campaign.target_member_ids}::uuid[])`;
  return sql`m.id in (${segmentMembers(db, ctx, campaign.rule as SegmentRule)})`;
}

/**
 * Each targeted active member with what the snapshot decides for them, in this order: without
 * marketing consent they are never targeted; over the frequency cap (campaigns received in the
 * last N days) they are skipped; of the rest, a stable hash of campaign and member puts
 * control_bp / 10000 of them in the control group. So control and treatment are drawn from
 * the same eligible members, and a re-run decides the same.
 */
export function decidedTargets(db: Db | Trx, ctx: Ctx, campaign: CampaignRow) {
  const capped =
    campaign.cap_max === null || campaign.cap_days === null
      ? sql`false`
      : sql`(select count(*) from campaign_member x
          where x.merchant_id = ${ctx.merchantId} and x.member_id = m.id and x.outcome = 'issued'
            and x.campaign_id <> ${campaign.id}
            and x.decided_at > ${ctx.now}::timestamptz - ${campaign.cap_days} * interval '1 day'
        ) >= ${campaign.cap_max}`;
  const bucket = sql`((hashtextextended(${campaign.id}::text || m.id::text, 0) % 10000) + 10000) % 10000`;
  return sql<{ member_id: string; store_id: string | null; outcome: string }>`
    select m.id as member_id, m.home_store_id as store_id,
      case when not m.marketing_consent then 'skipped_consent'
        when ${capped} then 'skipped_cap'
        when ${bucket} < ${campaign.control_bp} then 'control'
        else 'pending' end as outcome
    from member m
    where m.merchant_id = ${ctx.merchantId} and m.status = 'active' and ${targeted(db, ctx, campaign)}`;
}
