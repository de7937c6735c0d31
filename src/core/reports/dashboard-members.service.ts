import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { listCampaignResults } from '../campaigns/campaign-report.service.ts';
import type { Ctx } from '../context.ts';
import { LIFECYCLE_NAMES, LIFECYCLES, RFM_GROUP_NAMES, RFM_GROUPS } from '../rfm/rfm.rules.ts';
import type { CampaignsTile, DashboardRange, DistributionTile } from './dashboard.schema.ts';

type Group = DistributionTile['groups'][number];

// Distributions are of members as they are now (the last RFM recompute, the current tier): the
// range only picks the store, whose members are those of that home store.
const ofHomeStore = (ctx: Ctx, range: DashboardRange) =>
  range.store_id
    ? sql`and x.member_id in (select h.id from member h
        where h.merchant_id = ${ctx.merchantId} and h.home_store_id = ${range.store_id})`
    : sql``;

async function countBy(db: Db, ctx: Ctx, range: DashboardRange, column: 'rfm_group' | 'lifecycle') {
  const { rows } = await sql<{ key: string | null; members: number }>`
    select x.${sql.ref(column)} as key, count(*)::int as members
    from member_rfm x
    where x.merchant_id = ${ctx.merchantId} ${ofHomeStore(ctx, range)}
    group by 1`.execute(db);
  return new Map(rows.map((r) => [r.key, r.members]));
}

/**
 * Members per RFM group of the last recompute, in the classic order, every group shown; members
 * with no order in the RFM window come last under `key: null`.
 */
export async function rfmTile(db: Db, ctx: Ctx, range: DashboardRange): Promise<DistributionTile> {
  const counts = await countBy(db, ctx, range, 'rfm_group');
  const groups: Group[] = RFM_GROUPS.map(({ group }) => ({
    key: group,
    name: RFM_GROUP_NAMES[group][ctx.locale === 'en' ? 'en' : 'zh'],
    members: counts.get(group) ?? 0,
  }));
  const none = counts.get(null);
  if (none) groups.push({ key: null, name: null, members: none });
  return { range, groups };
}

/** Members per lifecycle stage of the last recompute, new to churned. */
export async function lifecycleTile(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
): Promise<DistributionTile> {
  const counts = await countBy(db, ctx, range, 'lifecycle');
  return {
    range,
    groups: LIFECYCLES.map((stage) => ({
      key: stage,
      name: LIFECYCLE_NAMES[stage][ctx.locale === 'en' ? 'en' : 'zh'],
      members: counts.get(stage) ?? 0,
    })),
  };
}

/** Active members per tier, lowest threshold first, every tier shown; members without a tier last. */
export async function tiersTile(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
): Promise<DistributionTile> {
  const { rows } = await sql<Group & { threshold: number | null }>`
    with counts as (
      select l.tier_id, count(*)::int as members
      from member x
      left join member_loyalty l on l.merchant_id = x.merchant_id and l.member_id = x.id
      where x.merchant_id = ${ctx.merchantId} and x.status = 'active'
        ${range.store_id ? sql`and x.home_store_id = ${range.store_id}` : sql``}
      group by 1
    )
    select t.id::text as key, t.name, t.threshold, coalesce(c.members, 0) as members
    from tier t
    left join counts c on c.tier_id = t.id
    where t.merchant_id = ${ctx.merchantId}
    union all
    select null, null, null, members from counts where tier_id is null
    order by threshold nulls last`.execute(db);
  return { range, groups: rows.map(({ threshold: _, ...group }) => group) };
}

/**
 * Campaigns launched (target snapshot taken) in the range with their funnel: targeted, issued,
 * redeemed, revenue on the redeeming orders against the discount given, ROI. Campaigns belong to
 * the merchant, not a store: the store filter does not apply.
 */
export async function campaignsTile(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
): Promise<CampaignsTile> {
  const campaigns = await listCampaignResults(db, ctx, { from: range.starts, to: range.ends });
  return { range, campaigns };
}
