import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { checkSegmentRule } from '../segments/segment.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import type {
  AutomationActions,
  AutomationBody,
  AutomationPatch,
  AutomationResponse,
  Trigger,
} from './automation.schema.ts';
import type { AutomationRow, AutomationTable, TriggerParams } from './automation.table.ts';

type Counts = AutomationResponse['counts'];
const NO_COUNTS: Counts = { pending: 0, reached: 0, skipped: 0 };

/** An automation as the API shows it: the body's shape, its state and its run counts. */
export function presentAutomation(row: AutomationRow, counts = NO_COUNTS): AutomationResponse {
  return {
    id: row.id,
    name: row.name,
    trigger: { kind: row.trigger_kind, ...row.trigger_params } as Trigger,
    delay_days: row.delay_days,
    condition: (row.condition ?? null) as SegmentRule | null,
    actions: actionsOf(row),
    member_limit: row.member_limit,
    status: row.status,
    activated_at: row.activated_at,
    counts,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function actionsOf(row: AutomationRow): AutomationActions {
  const actions: AutomationActions = {};
  if (row.coupon_template_id) actions.coupon_template_id = row.coupon_template_id;
  if (row.points_amount)
    actions.points = {
      amount: row.points_amount,
      ...(row.points_expiry_days ? { expiry_days: row.points_expiry_days } : {}),
    };
  if (row.message_template && row.message_channel)
    actions.message = { channel: row.message_channel, template: row.message_template };
  if (row.task_kind && row.task_title)
    actions.task = { kind: row.task_kind, title: row.task_title };
  return actions;
}

type Columns = Pick<
  AutomationTable,
  | 'name'
  | 'trigger_kind'
  | 'delay_days'
  | 'coupon_template_id'
  | 'points_amount'
  | 'points_expiry_days'
  | 'message_template'
  | 'message_channel'
  | 'task_kind'
  | 'task_title'
  | 'member_limit'
> & { trigger_params: string; condition: string | null };

/** The row's columns from a full body, after checking what it names is the merchant's. */
async function columnsOf(
  trx: Trx,
  ctx: Ctx,
  body: Omit<AutomationBody, 'status'>,
): Promise<Columns> {
  const { kind, ...params } = body.trigger;
  const a = body.actions;
  if (!a.coupon_template_id && !a.points && !a.message && !a.task)
    throw new DomainError('automation.no_action', { field: 'actions' });
  if (a.coupon_template_id)
    await getOwnRow(
      trx,
      ctx,
      'coupon_template',
      a.coupon_template_id,
      'automation.coupon_template_not_found',
      'actions.coupon_template_id',
    );
  const tierId = (params as TriggerParams).to_tier_id;
  if (tierId)
    await getOwnRow(trx, ctx, 'tier', tierId, 'automation.tier_not_found', 'trigger.to_tier_id');
  const condition = body.condition
    ? await checkSegmentRule(trx, ctx, body.condition, 'condition')
    : null;
  return {
    name: body.name,
    trigger_kind: kind,
    trigger_params: JSON.stringify(params),
    delay_days: body.delay_days ?? 0,
    condition: condition ? JSON.stringify(condition) : null,
    coupon_template_id: a.coupon_template_id ?? null,
    points_amount: a.points?.amount ?? null,
    points_expiry_days: a.points?.expiry_days ?? null,
    message_template: a.message?.template ?? null,
    message_channel: a.message?.channel ?? null,
    task_kind: a.task?.kind ?? null,
    task_title: a.task?.title ?? null,
    member_limit: body.member_limit ?? 'once',
  };
}

/** Active from now on: nobody registered or celebrating before this instant is reached. */
export async function createAutomation(
  trx: Trx,
  ctx: Ctx,
  body: AutomationBody,
): Promise<AutomationRow> {
  const row = await trx
    .insertInto('automation')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      ...(await columnsOf(trx, ctx, body)),
      status: body.status ?? 'active',
      activated_at: ctx.now,
      planned_on: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'automation.create',
    entityType: 'automation',
    entityId: row.id,
    after: { name: row.name, trigger: row.trigger_kind, status: row.status },
  });
  return row;
}

/** A change applies to occurrences planned from now on; the date triggers re-plan today. */
export async function updateAutomation(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: AutomationPatch,
): Promise<AutomationRow> {
  const row = await lockOwnRow(trx, ctx, 'automation', id, 'automation.not_found');
  const current = presentAutomation(row);
  const merged = {
    name: patch.name ?? current.name,
    trigger: patch.trigger ?? current.trigger,
    delay_days: patch.delay_days ?? current.delay_days,
    condition: patch.condition === undefined ? current.condition : patch.condition,
    actions: patch.actions ?? current.actions,
    member_limit: patch.member_limit ?? current.member_limit,
  };
  const updated = await trx
    .updateTable('automation')
    .set({ ...(await columnsOf(trx, ctx, merged)), planned_on: null, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'automation.update',
    entityType: 'automation',
    entityId: id,
    before: { name: row.name, trigger: row.trigger_kind },
    after: { name: updated.name, trigger: updated.trigger_kind },
  });
  return updated;
}

/**
 * Pause holds every run (nothing executes while paused); resume starts a new activation at
 * ctx.now, so what fell due during the pause is not sent late, while runs planned before the
 * pause go out. Setting the status it already has is a no-op.
 */
export async function setAutomationStatus(
  trx: Trx,
  ctx: Ctx,
  id: string,
  status: 'active' | 'paused',
): Promise<AutomationRow> {
  const row = await lockOwnRow(trx, ctx, 'automation', id, 'automation.not_found');
  if (row.status === status) return row;
  const updated = await trx
    .updateTable('automation')
    .set({
      status,
      ...(status === 'active' ? { activated_at: ctx.now, planned_on: null } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: status === 'active' ? 'automation.resume' : 'automation.pause',
    entityType: 'automation',
    entityId: id,
    after: { status },
  });
  return updated;
}

/** Runs per status of the automations given (pending, reached, skipped). */
export async function runCounts(
  db: Db | Trx,
  ctx: Ctx,
  ids: readonly string[],
): Promise<Map<string, Counts>> {
  const counts = new Map<string, Counts>(ids.map((id) => [id, { ...NO_COUNTS }]));
  if (ids.length === 0) return counts;
  const rows = await db
    .selectFrom('automation_run')
    .select(['automation_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', '=', ctx.merchantId)
    .where('automation_id', 'in', ids)
    .groupBy(['automation_id', 'status'])
    .execute();
  for (const r of rows) {
    const c = counts.get(r.automation_id)!;
    c[r.status === 'done' ? 'reached' : r.status] = Number(r.n);
  }
  return counts;
}

export async function listAutomations(db: Db, ctx: Ctx): Promise<AutomationResponse[]> {
  const rows = await db
    .selectFrom('automation')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const counts = await runCounts(
    db,
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentAutomation(r, counts.get(r.id)));
}

export async function getAutomation(db: Db | Trx, ctx: Ctx, id: string) {
  const row = await getOwnRow(db, ctx, 'automation', id, 'automation.not_found');
  return presentAutomation(row, (await runCounts(db, ctx, [id])).get(id));
}
