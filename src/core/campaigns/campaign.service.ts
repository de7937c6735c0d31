import { type Insertable, sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { localInstant } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { validateSegmentRule } from '../segments/segment.rules.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import type { CampaignBody, CampaignPatch, CampaignResponse } from './campaign.schema.ts';
import type { CampaignRow, CampaignStatus, CampaignTable } from './campaign.table.ts';

type CampaignColumns = Omit<
  Insertable<CampaignTable>,
  | 'merchant_id'
  | 'id'
  | 'status'
  | 'spent_coupons'
  | 'spent_points'
  | 'spent_cost_fen'
  | 'forecast'
  | 'snapshot_at'
  | 'launch_requested_at'
  | 'launched_at'
  | 'created_by'
  | 'created_at'
  | 'updated_at'
>;

/** A campaign as the API shows it: the body's shape plus its state. */
export function presentCampaign(row: CampaignRow): CampaignResponse {
  const { actions } = bodyOf(row);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    target: {
      segment_id: row.segment_id,
      rule: row.rule ?? null,
      member_count: row.target_member_ids?.length ?? null,
    },
    actions,
    control_bp: row.control_bp,
    cap: capOf(row.cap_max, row.cap_days),
    budget: definedOnly({
      coupons: row.budget_coupons,
      points: row.budget_points,
      cost_fen: row.budget_cost_fen,
    }),
    spent: { coupons: row.spent_coupons, points: row.spent_points, cost_fen: row.spent_cost_fen },
    schedule_at: row.schedule_at,
    forecast: row.forecast,
    snapshot_at: row.snapshot_at,
    launch_requested_at: row.launch_requested_at,
    launched_at: row.launched_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const definedOnly = <T extends Record<string, number | null>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as {
    [K in keyof T]?: number;
  };

/** The actions of a row in the body's shape (what a PATCH merges into). */
function bodyOf(row: CampaignRow): { actions: CampaignBody['actions'] } {
  const actions: CampaignBody['actions'] = {};
  if (row.coupon_template_id) actions.coupon_template_id = row.coupon_template_id;
  if (row.points_amount)
    actions.points = {
      amount: row.points_amount,
      ...(row.points_expiry_days ? { expiry_days: row.points_expiry_days } : {}),
    };
  if (row.message_title && row.message_body)
    actions.message = { title: row.message_title, body: row.message_body };
  if (row.task_kind && row.task_title && row.task_due_days !== null)
    actions.task = {
      kind: row.task_kind,
      title: row.task_title,
      ...(row.task_script ? { script: row.task_script } : {}),
      due_days: row.task_due_days,
    };
  return { actions };
}

/** A frequency cap as its two columns hold it (a campaign's or the merchant's default). */
export const capOf = (max: number | null, days: number | null) =>
  max !== null && days !== null ? { max, days } : null;

/** Checks what the schema cannot (ids of this merchant, an action, a future time) → columns. */
async function columnsOf(trx: Trx, ctx: Ctx, input: CampaignBody): Promise<CampaignColumns> {
  const { actions, target } = input;
  if (!actions.coupon_template_id && !actions.points && !actions.message && !actions.task)
    throw new DomainError('campaign.no_action', { field: 'actions' });
  if (actions.coupon_template_id)
    await getOwnRow(
      trx,
      ctx,
      'coupon_template',
      actions.coupon_template_id,
      'coupon.template_not_found',
      'actions.coupon_template_id',
    );
  const segment =
    'segment_id' in target
      ? await getOwnRow(
          trx,
          ctx,
          'segment',
          target.segment_id,
          'campaign.segment_not_found',
          'target.segment_id',
        )
      : undefined;
  if ('member_ids' in target) await assertMembers(trx, ctx, target.member_ids);
  if ('rule' in target) validateSegmentRule(target.rule, undefined, 'target.rule');
  const merchant = await getMerchant(trx, ctx);
  const scheduleAt = input.schedule_local
    ? localInstant(input.schedule_local, merchant.time_zone)
    : null;
  // a campaign that states no cap takes the merchant's; an explicit null means none
  const cap =
    input.cap !== undefined
      ? input.cap
      : capOf(merchant.campaign_cap_max, merchant.campaign_cap_days);
  if (scheduleAt && scheduleAt <= ctx.now)
    throw new DomainError('campaign.schedule_past', { field: 'schedule_local' });
  return {
    name: input.name.trim(),
    segment_id: segment?.id ?? null,
    rule: segment
      ? JSON.stringify(segment.rule)
      : 'rule' in target
        ? JSON.stringify(target.rule)
        : null,
    target_member_ids: 'member_ids' in target ? target.member_ids : null,
    coupon_template_id: actions.coupon_template_id ?? null,
    points_amount: actions.points?.amount ?? null,
    points_expiry_days: actions.points?.expiry_days ?? null,
    message_title: actions.message?.title ?? null,
    message_body: actions.message?.body ?? null,
    task_kind: actions.task?.kind ?? null,
    task_title: actions.task?.title ?? null,
    task_script: actions.task?.script ?? null,
    task_due_days: actions.task?.due_days ?? null,
    schedule_at: scheduleAt,
    control_bp: input.control_bp,
    cap_max: cap?.max ?? null,
    cap_days: cap?.days ?? null,
    budget_coupons: input.budget?.coupons ?? null,
    budget_points: input.budget?.points ?? null,
    budget_cost_fen: input.budget?.cost_fen ?? null,
  };
}

async function assertMembers(trx: Trx, ctx: Ctx, ids: readonly string[]) {
  const { found } = await trx
    .selectFrom('member')
    .select((eb) => eb.fn.countAll<number>().as('found'))
    .where('merchant_id', '=', ctx.merchantId)
    .where(sql<boolean>`id = any(${ids}::uuid[])`)
    .executeTakeFirstOrThrow();
  if (Number(found) !== ids.length)
    throw new DomainError('member.not_found', { field: 'target.member_ids' });
}

export async function createCampaign(
  trx: Trx,
  ctx: Ctx,
  input: CampaignBody,
): Promise<CampaignRow> {
  const row = await trx
    .insertInto('campaign')
    .values({
      ...(await columnsOf(trx, ctx, input)),
      merchant_id: ctx.merchantId,
      id: newId(),
      forecast: null,
      snapshot_at: null,
      launch_requested_at: null,
      launched_at: null,
      created_by: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'campaign.create',
    entityType: 'campaign',
    entityId: row.id,
    after: input,
  });
  return row;
}

/** A draft is edited whole: the patch over the draft's body, checked again as a new one. */
export async function updateCampaign(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: CampaignPatch,
): Promise<CampaignRow> {
  const row = await lockOwnRow(trx, ctx, 'campaign', id, 'campaign.not_found');
  if (row.status !== 'draft') throw new DomainError('campaign.not_draft', {});
  const current = presentCampaign(row);
  const merged: CampaignBody = {
    name: patch.name ?? row.name,
    target:
      patch.target ??
      (row.target_member_ids
        ? { member_ids: row.target_member_ids }
        : row.segment_id
          ? { segment_id: row.segment_id }
          : { rule: row.rule as SegmentRule }),
    actions: patch.actions ?? current.actions,
    control_bp: patch.control_bp ?? row.control_bp,
    cap: patch.cap === undefined ? current.cap : patch.cap,
    budget: patch.budget ?? current.budget,
    schedule_local: patch.schedule_local,
  };
  const columns = await columnsOf(trx, ctx, merged);
  if (patch.schedule_local === undefined) columns.schedule_at = row.schedule_at;
  const updated = await trx
    .updateTable('campaign')
    .set({ ...columns, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'campaign.update',
    entityType: 'campaign',
    entityId: id,
    after: patch,
  });
  return updated;
}

export const getCampaign = (db: Db | Trx, ctx: Ctx, id: string) =>
  getOwnRow(db, ctx, 'campaign', id, 'campaign.not_found');

export async function listCampaigns(
  db: Db,
  ctx: Ctx,
  filter: { status?: CampaignStatus | undefined; limit?: number; cursor?: string | undefined },
) {
  const limit = filter.limit ?? 50;
  let query = db
    .selectFrom('campaign')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor));
  return timePage(await query.execute(), limit);
}

/** A draft or a scheduled campaign can be cancelled; once launching it runs to its end. */
export async function cancelCampaign(trx: Trx, ctx: Ctx, id: string): Promise<CampaignRow> {
  const row = await lockOwnRow(trx, ctx, 'campaign', id, 'campaign.not_found');
  if (row.status === 'cancelled') return row;
  if (row.status !== 'draft' && row.status !== 'scheduled')
    throw new DomainError('campaign.not_cancellable', { params: { status: row.status } });
  const cancelled = await trx
    .updateTable('campaign')
    .set({ status: 'cancelled', updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'campaign.cancel',
    entityType: 'campaign',
    entityId: id,
    before: { status: row.status },
  });
  return cancelled;
}
