import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { issueCoupons } from '../coupons/coupon.service.ts';
import { createGuideTasks } from '../guides/guide-task-create.service.ts';
import { enqueueMemberMessages } from '../messaging/outbox.service.ts';
import { getCheckoutSetting } from '../orders/checkout-setting.service.ts';
import { creditPoints } from '../points/points-lot.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { CampaignOutcome, CampaignRow } from './campaign.table.ts';
import {
  budgetRoom,
  couponFaceFen,
  type PerMember,
  pointsCostFen,
} from './campaign-budget.rules.ts';

interface Decision {
  outcome: CampaignOutcome;
  coupon_id?: string;
  points_entry_id?: string;
  message_id?: string;
  task_id?: string;
}

/** What one member costs the budget. */
async function perMember(trx: Trx, ctx: Ctx, campaign: CampaignRow): Promise<PerMember> {
  const points = campaign.points_amount ?? 0;
  const template = campaign.coupon_template_id
    ? await trx
        .selectFrom('coupon_template')
        .select('definition')
        .where('merchant_id', '=', ctx.merchantId)
        .where('id', '=', campaign.coupon_template_id)
        .executeTakeFirstOrThrow()
    : undefined;
  const face = template ? couponFaceFen(template.definition.benefit) : 0;
  const rate = points > 0 ? await getCheckoutSetting(trx, ctx) : undefined;
  return { coupons: template ? 1 : 0, points, cost_fen: face + pointsCostFen(points, rate) };
}

/**
 * The members of this batch still pending, in member id order, with their consent as of now.
 * Two statements on purpose: joined in one, a merchant whose members and campaign rows are not
 * yet analysed got a plan that scans all its members once per pending row.
 */
async function pendingMembers(trx: Trx, ctx: Ctx, campaign: CampaignRow, size: number) {
  const pending = await trx
    .selectFrom('campaign_member')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('campaign_id', '=', campaign.id)
    .where('outcome', '=', 'pending')
    .orderBy('member_id')
    .limit(size)
    .execute();
  if (pending.length === 0) return [];
  return trx
    .selectFrom('member')
    .select(['id as member_id', 'marketing_consent', 'status'])
    .where('merchant_id', '=', ctx.merchantId)
    .where(sql<boolean>`id = any(${pending.map((p) => p.member_id)}::uuid[])`)
    .orderBy('id')
    .execute();
}

/**
 * One batch of a launch, in the caller's transaction with the campaign row locked: the next
 * pending members receive the actions (coupons set-based through issueCoupons, points with
 * their own expiry, inbox messages, guide tasks) and their campaign_member rows get their
 * outcome in the same transaction, so a launch killed between batches resumes at the first
 * member still pending: nobody is served twice or skipped. A member who opted out since the
 * snapshot is skipped. When the budget (or the coupon stock) runs out, every member still
 * pending is recorded as skipped_budget. Returns how many members were decided (0: none left).
 */
export async function launchBatch(
  trx: Trx,
  ctx: Ctx,
  campaign: CampaignRow,
  size: number,
): Promise<number> {
  const pending = await pendingMembers(trx, ctx, campaign, size);
  if (pending.length === 0) return 0;
  const decided = new Map<string, Decision>();
  const candidates: string[] = [];
  for (const p of pending) {
    if (p.marketing_consent && p.status === 'active') candidates.push(p.member_id);
    else decided.set(p.member_id, { outcome: 'skipped_consent' });
  }
  const each = await perMember(trx, ctx, campaign);
  const spent = {
    coupons: campaign.spent_coupons,
    points: campaign.spent_points,
    cost_fen: campaign.spent_cost_fen,
  };
  const budget = {
    coupons: campaign.budget_coupons,
    points: campaign.budget_points,
    cost_fen: campaign.budget_cost_fen,
  };
  const room = budgetRoom(budget, spent, each);
  let served = candidates.slice(0, room);
  let exhausted = served.length < candidates.length;
  for (const id of candidates.slice(served.length)) decided.set(id, { outcome: 'skipped_budget' });
  const coupons = new Map<string, string>();
  if (campaign.coupon_template_id && served.length > 0) {
    const result = await issueCoupons(trx, ctx, {
      template_id: campaign.coupon_template_id,
      member_ids: served,
      via: 'campaign',
      ref_id: campaign.id,
    });
    for (const id of result.overLimit) decided.set(id, { outcome: 'skipped_limit' });
    for (const id of result.outOfStock) decided.set(id, { outcome: 'skipped_budget' });
    if (result.outOfStock.length > 0) exhausted = true;
    for (const [member, coupon] of result.issued) coupons.set(member, coupon);
    served = served.filter((id) => coupons.has(id));
  }
  const entries = await creditAll(trx, ctx, campaign, served);
  const messages = await sendMessages(trx, ctx, campaign, served);
  const tasks = await assignTasks(trx, ctx, campaign, served);
  const taskOnly =
    !campaign.coupon_template_id && !campaign.points_amount && !campaign.message_title;
  for (const id of served) {
    const task = tasks.get(id);
    decided.set(
      id,
      taskOnly && !task
        ? { outcome: 'skipped_no_guide' }
        : {
            outcome: 'issued',
            ...optional('coupon_id', coupons.get(id)),
            ...optional('points_entry_id', entries.get(id)),
            ...optional('message_id', messages.get(id)),
            ...optional('task_id', task),
          },
    );
  }
  await recordDecisions(trx, ctx, campaign, decided);
  const reached = [...decided.values()].filter((d) => d.outcome === 'issued').length;
  await trx
    .updateTable('campaign')
    .set({
      spent_coupons: sql`spent_coupons + ${coupons.size}`,
      spent_points: sql`spent_points + ${reached * each.points}`,
      spent_cost_fen: sql`spent_cost_fen + ${reached * each.cost_fen}`,
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', campaign.id)
    .execute();
  if (exhausted) await skipRemaining(trx, ctx, campaign);
  return pending.length;
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/** Points with the campaign's own expiry (local midnight after day N), one entry per member. */
async function creditAll(trx: Trx, ctx: Ctx, campaign: CampaignRow, members: readonly string[]) {
  const entries = new Map<string, string>();
  const amount = campaign.points_amount;
  if (!amount || members.length === 0) return entries;
  const days = campaign.points_expiry_days;
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const expiresAt = days
    ? startOfLocalDay(addDays(localDateOf(ctx.now, zone), days), zone)
    : undefined;
  for (const memberId of members) {
    const { entry } = await creditPoints(trx, ctx, {
      memberId,
      amount,
      kind: 'campaign',
      refType: 'campaign',
      refId: campaign.id,
      ...(expiresAt ? { expiresAt } : {}),
    });
    entries.set(memberId, entry.id);
  }
  return entries;
}

/**
 * The inbox message through the outbox (one set-based write; its member_message shares the
 * outbox id, so campaign_member.message_id names both). A replayed batch finds its keys taken.
 */
async function sendMessages(trx: Trx, ctx: Ctx, campaign: CampaignRow, members: readonly string[]) {
  if (!campaign.message_title || !campaign.message_body || members.length === 0)
    return new Map<string, string>();
  const result = await enqueueMemberMessages(trx, ctx, {
    member_ids: members,
    channel: 'inbox',
    purpose: 'marketing',
    template: 'generic',
    vars: { title: campaign.message_title, body: campaign.message_body },
    dedupe_prefix: `campaign:${campaign.id}`,
    ref_type: 'campaign',
    ref_id: campaign.id,
  });
  return result.ids;
}

/** Follow-up tasks for the members' guides (G's createGuideTasks); members without one get none. */
async function assignTasks(trx: Trx, ctx: Ctx, campaign: CampaignRow, members: readonly string[]) {
  const ids = new Map<string, string>();
  if (!campaign.task_kind || !campaign.task_title || members.length === 0) return ids;
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const dueAt = startOfLocalDay(
    addDays(localDateOf(ctx.now, zone), (campaign.task_due_days ?? 0) + 1),
    zone,
  );
  await createGuideTasks(
    trx,
    ctx,
    members.map((memberId) => ({
      memberId,
      kind: campaign.task_kind!,
      title: campaign.task_title!,
      ...(campaign.task_script ? { script: campaign.task_script } : {}),
      dueAt,
      campaignId: campaign.id,
    })),
  );
  const rows = await trx
    .selectFrom('guide_task')
    .select(['member_id', 'id'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('campaign_id', '=', campaign.id)
    .where('member_id', 'in', members)
    .execute();
  for (const r of rows) ids.set(r.member_id, r.id);
  return ids;
}

async function recordDecisions(
  trx: Trx,
  ctx: Ctx,
  campaign: CampaignRow,
  decided: ReadonlyMap<string, Decision>,
) {
  const members = [...decided.keys()];
  const d = [...decided.values()];
  await sql`
    update campaign_member cm set outcome = t.outcome, coupon_id = t.coupon_id,
      points_entry_id = t.entry_id, message_id = t.message_id, task_id = t.task_id,
      decided_at = ${ctx.now}
    from unnest(${members}::uuid[], ${d.map((x) => x.outcome)}::text[],
      ${d.map((x) => x.coupon_id ?? null)}::uuid[], ${d.map((x) => x.points_entry_id ?? null)}::uuid[],
      ${d.map((x) => x.message_id ?? null)}::uuid[], ${d.map((x) => x.task_id ?? null)}::uuid[])
      as t (member_id, outcome, coupon_id, entry_id, message_id, task_id)
    where cm.merchant_id = ${ctx.merchantId} and cm.campaign_id = ${campaign.id}
      and cm.member_id = t.member_id and cm.outcome = 'pending'`.execute(trx);
}

/** The budget is spent: whoever is still pending gets nothing, and is counted as such. */
async function skipRemaining(trx: Trx, ctx: Ctx, campaign: CampaignRow) {
  await trx
    .updateTable('campaign_member')
    .set({ outcome: 'skipped_budget', decided_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('campaign_id', '=', campaign.id)
    .where('outcome', '=', 'pending')
    .execute();
}
