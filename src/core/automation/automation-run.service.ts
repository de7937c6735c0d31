import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { issueCoupons } from '../coupons/coupon.service.ts';
import { createGuideTasks } from '../guides/guide-task-create.service.ts';
import { enqueueMemberMessages } from '../messaging/outbox.service.ts';
import { creditPoints } from '../points/points-lot.service.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { segmentMembers } from '../segments/segment-query.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { AutomationRow, RunDetail, RunOutcome } from './automation.table.ts';
import { DATE_TRIGGERS, dueOccurrences } from './automation-trigger.service.ts';

/**
 * Plans the due occurrences of `a` at ctx.now: one `insert … select … on conflict do nothing`
 * into automation_run, so a re-run, a restart or a second instance plans nothing twice. A date
 * trigger's day is planned once (planned_on). Returns how many runs were planned now.
 */
export async function planAutomation(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  zone: string,
): Promise<number> {
  const occurrences = dueOccurrences(ctx, a, zone);
  let planned = 0;
  if (occurrences) {
    const result = await sql`
      insert into automation_run
        (merchant_id, id, automation_id, member_id, occurrence, due_at, created_at)
      select ${ctx.merchantId}, ${sqlUuidV7}, ${a.id}, o.member_id, o.occurrence, o.due_at, ${ctx.now}
      from (${occurrences}) o
      on conflict do nothing`.execute(trx);
    planned = Number(result.numAffectedRows ?? 0n);
  }
  if (DATE_TRIGGERS.includes(a.trigger_kind))
    await trx
      .updateTable('automation')
      .set({ planned_on: localDateOf(ctx.now, zone) })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', a.id)
      .execute();
  return planned;
}

interface Claimed {
  id: string;
  member_id: string;
  occurrence: string;
}

interface Decision {
  outcome: RunOutcome;
  detail?: RunDetail;
}

/**
 * One batch of `a`'s due runs, in the caller's transaction: the runs are claimed FOR UPDATE SKIP
 * LOCKED (a second instance takes other runs or none), the automation is re-read FOR SHARE and
 * must still be active (a pause holds its runs), and each member's actions and the run's 'done'
 * mark commit together: a crash rolls both back and the run is claimed again, so each
 * occurrence is served exactly once. A member appears once per batch. Returns the runs decided.
 */
export async function executeBatch(
  trx: Trx,
  ctx: Ctx,
  automationId: string,
  size: number,
): Promise<number> {
  const a = await trx
    .selectFrom('automation')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', automationId)
    .where('status', '=', 'active')
    .forShare()
    .executeTakeFirst();
  if (!a) return 0;
  const claimed = await trx
    .selectFrom('automation_run')
    .select(['id', 'member_id', 'occurrence'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('automation_id', '=', a.id)
    .where('status', '=', 'pending')
    .where('due_at', '<=', ctx.now)
    .orderBy('due_at')
    .orderBy('id')
    .limit(size)
    .forUpdate()
    .skipLocked()
    .execute();
  const seen = new Set<string>();
  const runs = claimed.filter((r) => !seen.has(r.member_id) && seen.add(r.member_id));
  if (runs.length === 0) return 0;
  const decided = await screen(trx, ctx, a, runs);
  const candidates = runs.filter((r) => !decided.has(r.id));
  await act(trx, ctx, a, candidates, decided);
  await recordRuns(trx, ctx, decided);
  return runs.length;
}

/** Who gets nothing before any action: inactive, outside the condition, opted out, over limit. */
async function screen(trx: Trx, ctx: Ctx, a: AutomationRow, runs: readonly Claimed[]) {
  const ids = runs.map((r) => r.member_id);
  const members = await trx
    .selectFrom('member')
    .select(['id', 'status', 'marketing_consent'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(members.map((m) => [m.id, m]));
  const inCondition = a.condition
    ? new Set(
        (
          await trx
            .selectFrom(segmentMembers(trx, ctx, a.condition as SegmentRule).as('s'))
            .select('s.member_id')
            .where('s.member_id', 'in', ids)
            .execute()
        ).map((r) => r.member_id),
      )
    : undefined;
  const limited = await overLimit(trx, ctx, a, ids);
  const decided = new Map<string, Decision>();
  for (const r of runs) {
    const m = byId.get(r.member_id);
    const outcome: RunOutcome | undefined =
      m?.status !== 'active'
        ? 'inactive_member'
        : inCondition && !inCondition.has(r.member_id)
          ? 'not_in_condition'
          : !m.marketing_consent
            ? 'opted_out'
            : limited.has(r.member_id)
              ? 'limit_reached'
              : undefined;
    if (outcome) decided.set(r.id, { outcome });
  }
  return decided;
}

/** Members this automation already reached within its per-member limit. */
async function overLimit(trx: Trx, ctx: Ctx, a: AutomationRow, ids: readonly string[]) {
  if (a.member_limit === 'unlimited') return new Set<string>();
  let q = trx
    .selectFrom('automation_run')
    .select('member_id')
    .distinct()
    .where('merchant_id', '=', ctx.merchantId)
    .where('automation_id', '=', a.id)
    .where('member_id', 'in', ids)
    .where('outcome', '=', 'reached');
  if (a.member_limit === 'yearly')
    q = q.where('done_at', '>', sql<Date>`${ctx.now}::timestamptz - interval '1 year'`);
  return new Set((await q.execute()).map((r) => r.member_id));
}

/** The actions, set-based, for the screened runs; fills `decided` for each of them. */
async function act(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  candidates: readonly Claimed[],
  decided: Map<string, Decision>,
) {
  if (candidates.length === 0) return;
  const details = new Map<string, RunDetail>(candidates.map((r) => [r.member_id, {}]));
  let served = [...candidates];
  if (a.coupon_template_id) {
    const coupons = await issueAll(trx, ctx, a, served, decided);
    served = served.filter((r) => coupons.has(r.member_id));
    for (const r of served) details.get(r.member_id)!.coupon_id = coupons.get(r.member_id)!;
  }
  await creditAll(trx, ctx, a, served, details);
  await messageAll(trx, ctx, a, served, details);
  await taskAll(trx, ctx, a, served, details);
  for (const r of served)
    decided.set(r.id, { outcome: 'reached', detail: details.get(r.member_id)! });
}

/** issueCoupons; whoever the stock or the template's own limit leaves out gets nothing. */
async function issueAll(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  runs: readonly Claimed[],
  decided: Map<string, Decision>,
) {
  const template = await trx
    .selectFrom('coupon_template')
    .select('active')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', a.coupon_template_id!)
    .executeTakeFirst();
  if (!template?.active) {
    for (const r of runs) decided.set(r.id, { outcome: 'coupon_unavailable' });
    return new Map<string, string>();
  }
  const result = await issueCoupons(trx, ctx, {
    template_id: a.coupon_template_id!,
    member_ids: runs.map((r) => r.member_id),
    via: 'automation',
    ref_id: a.id,
  });
  const runOf = new Map(runs.map((r) => [r.member_id, r.id]));
  for (const id of result.overLimit) decided.set(runOf.get(id)!, { outcome: 'coupon_limit' });
  for (const id of result.outOfStock)
    decided.set(runOf.get(id)!, { outcome: 'coupon_out_of_stock' });
  return result.issued;
}

/** Points with the automation's own expiry (local midnight after day N), as campaigns do. */
async function creditAll(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  runs: readonly Claimed[],
  details: Map<string, RunDetail>,
) {
  if (!a.points_amount) return;
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const days = a.points_expiry_days;
  const expiresAt = days
    ? startOfLocalDay(addDays(localDateOf(ctx.now, zone), days + 1), zone)
    : undefined;
  for (const r of runs) {
    const { entry } = await creditPoints(trx, ctx, {
      memberId: r.member_id,
      amount: a.points_amount,
      kind: 'automation',
      refType: 'automation',
      refId: a.id,
      ...(expiresAt ? { expiresAt } : {}),
    });
    details.get(r.member_id)!.points_entry_id = entry.id;
  }
}

/**
 * The message through the outbox, one call per occurrence key: the dedupe key
 * `automation:<id>:<occurrence>:<member>` is the run's own, so even a replayed batch cannot
 * write a second message. The outbox decides per channel (opt-out, address, cap).
 */
async function messageAll(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  runs: readonly Claimed[],
  details: Map<string, RunDetail>,
) {
  if (!a.message_template || !a.message_channel || runs.length === 0) return;
  const byOccurrence = new Map<string, string[]>();
  for (const r of runs)
    byOccurrence.set(r.occurrence, [...(byOccurrence.get(r.occurrence) ?? []), r.member_id]);
  for (const [occurrence, memberIds] of byOccurrence) {
    const result = await enqueueMemberMessages(trx, ctx, {
      member_ids: memberIds,
      channel: a.message_channel,
      purpose: 'marketing',
      template: a.message_template,
      vars: { title: a.name, body: a.name },
      dedupe_prefix: `automation:${a.id}:${occurrence}`,
      ref_type: 'automation',
      ref_id: a.id,
    });
    for (const id of memberIds) {
      const message = result.ids.get(id);
      const detail = details.get(id)!;
      if (message) detail.message_id = message;
      else detail.message = 'not_sent';
    }
  }
}

/** A follow-up task for the member's guide, due the next local day; no guide, no task. */
async function taskAll(
  trx: Trx,
  ctx: Ctx,
  a: AutomationRow,
  runs: readonly Claimed[],
  details: Map<string, RunDetail>,
) {
  if (!a.task_kind || !a.task_title || runs.length === 0) return;
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const dueAt = startOfLocalDay(addDays(localDateOf(ctx.now, zone), 1), zone);
  const ids = runs.map((r) => r.member_id);
  await createGuideTasks(
    trx,
    ctx,
    ids.map((memberId) => ({ memberId, kind: a.task_kind!, title: a.task_title!, dueAt })),
  );
  // the tasks of this statement: same instant, title and members (guide_task has no automation ref)
  const rows = await trx
    .selectFrom('guide_task')
    .select(['member_id', 'id'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('created_at', '=', ctx.now)
    .where('title', '=', a.task_title)
    .where('member_id', 'in', ids)
    .execute();
  for (const t of rows) {
    const d = details.get(t.member_id);
    if (d) d.task_id = t.id;
  }
}

async function recordRuns(trx: Trx, ctx: Ctx, decided: ReadonlyMap<string, Decision>) {
  const ids = [...decided.keys()];
  const d = [...decided.values()];
  await sql`
    update automation_run r
    set status = case when t.outcome = 'reached' then 'done' else 'skipped' end,
      outcome = t.outcome, detail = t.detail, done_at = ${ctx.now}
    from unnest(${ids}::uuid[], ${d.map((x) => x.outcome)}::text[],
      ${d.map((x) => (x.detail ? JSON.stringify(x.detail) : null))}::jsonb[]) as t (id, outcome, detail)
    where r.merchant_id = ${ctx.merchantId} and r.id = t.id and r.status = 'pending'`.execute(trx);
}
