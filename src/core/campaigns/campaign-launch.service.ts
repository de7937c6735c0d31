import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { CampaignRow } from './campaign.table.ts';
import { forecastFor } from './campaign-forecast.service.ts';
import { decidedTargets } from './campaign-target.service.ts';

/**
 * The snapshot, once: every decided target becomes a campaign_member row in one
 * `insert … select`, and snapshot_at is set in the same transaction, so a resumed launch never
 * snapshots twice (and the primary key would refuse a member twice anyway).
 */
export async function snapshotCampaign(trx: Trx, ctx: Ctx, campaign: CampaignRow): Promise<void> {
  await sql`
    insert into campaign_member
      (merchant_id, campaign_id, member_id, store_id, in_control, outcome, decided_at)
    select ${ctx.merchantId}, ${campaign.id}, d.member_id, d.store_id, d.outcome = 'control',
      d.outcome, case when d.outcome = 'pending' then null else ${ctx.now}::timestamptz end
    from (${decidedTargets(trx, ctx, campaign)}) d
    on conflict do nothing`.execute(trx);
  await trx
    .updateTable('campaign')
    .set({ snapshot_at: ctx.now, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', campaign.id)
    .execute();
}

export type LaunchEnqueue = (campaign: CampaignRow) => Promise<void>;

/**
 * Launch once: a draft becomes scheduled (a time ahead in the merchant's zone) or launching,
 * with its forecast stored, and its run is enqueued in the same transaction. A campaign past
 * its draft is returned as it is: a second launch is a no-op returning the first.
 */
export async function requestLaunch(
  trx: Trx,
  ctx: Ctx,
  id: string,
  enqueue: LaunchEnqueue,
): Promise<CampaignRow> {
  const row = await lockOwnRow(trx, ctx, 'campaign', id, 'campaign.not_found');
  if (row.status !== 'draft') return row;
  const rule = row.segment_id
    ? (
        await trx
          .selectFrom('segment')
          .select('rule')
          .where('merchant_id', '=', ctx.merchantId)
          .where('id', '=', row.segment_id)
          .executeTakeFirstOrThrow()
      ).rule
    : row.rule;
  const ruled = { ...row, rule };
  const forecast = await forecastFor(trx, ctx, ruled);
  const later = row.schedule_at !== null && row.schedule_at > ctx.now;
  const launched = await trx
    .updateTable('campaign')
    .set({
      status: later ? 'scheduled' : 'launching',
      rule: rule === null ? null : JSON.stringify(rule),
      forecast: JSON.stringify(forecast),
      launch_requested_at: ctx.now,
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(launched);
  await recordAudit(trx, ctx, {
    action: 'campaign.launch',
    entityType: 'campaign',
    entityId: id,
    after: { status: launched.status, schedule_at: launched.schedule_at },
  });
  return launched;
}
