import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { decodeTimeCursor, encodeTimeCursor } from '../../lib/keyset.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type {
  CompleteTaskBody,
  CreateTasksBody,
  GuideTask,
  GuideTaskView,
  ListTasksQuery,
} from './guide.schema.ts';
import { getGuide } from './guide-assign.service.ts';
import { createGuideTasks } from './guide-task-create.service.ts';

const seesAll = (ctx: Ctx) => ctx.actor.permissions.has('guides.admin');

/** Tasks for a selection of members, to one staff member or else each member's own guide. */
export async function createTasks(trx: Trx, ctx: Ctx, input: CreateTasksBody) {
  if (input.staff_id) await getGuide(trx, ctx, input.staff_id);
  const result = await createGuideTasks(
    trx,
    ctx,
    input.member_ids.map((memberId) => ({
      memberId,
      staffId: input.staff_id,
      kind: input.kind,
      title: input.title,
      script: input.script,
      dueAt: new Date(input.due_at),
    })),
  );
  await recordAudit(trx, ctx, {
    action: 'guide_task.create',
    entityType: 'staff',
    entityId: input.staff_id ?? null,
    after: { kind: input.kind, title: input.title, ...result },
  });
  return result;
}

function taskQuery(db: Db | Trx, ctx: Ctx) {
  return db
    .selectFrom('guide_task as t')
    .innerJoin('member as m', (j) =>
      j.onRef('m.merchant_id', '=', 't.merchant_id').onRef('m.id', '=', 't.member_id'),
    )
    .innerJoin('staff as s', (j) =>
      j.onRef('s.merchant_id', '=', 't.merchant_id').onRef('s.id', '=', 't.staff_id'),
    )
    .selectAll('t')
    .select([
      's.display_name as staff_name',
      'm.name as member_name',
      'm.card_no as member_card_no',
      'm.phone as member_phone',
    ])
    .where('t.merchant_id', '=', ctx.merchantId);
}

/**
 * A guide's tasks, keyset-paged. open/today/overdue: open tasks by due time, soonest first
 * (today: due on the merchant's local today; overdue: due before it); done: latest done first.
 * Without guides.admin the caller sees only their own tasks.
 */
export async function listTasks(db: Db, ctx: Ctx, query: ListTasksQuery) {
  if (!seesAll(ctx) && query.staff_id && query.staff_id !== ctx.actor.id)
    throw new DomainError('guide.others_tasks', { field: 'staff_id' });
  const staffId = seesAll(ctx) ? query.staff_id : (ctx.actor.id ?? '');
  const view: GuideTaskView = query.view ?? 'open';
  const limit = query.limit ?? 30;
  let q = taskQuery(db, ctx);
  if (staffId !== undefined) q = q.where('t.staff_id', '=', staffId);
  if (query.member_id) q = q.where('t.member_id', '=', query.member_id);
  q = q.where('t.status', '=', view === 'done' ? 'done' : 'open');
  if (view === 'today' || view === 'overdue') {
    const zone = (await getMerchant(db, ctx)).time_zone;
    const today = localDateOf(ctx.now, zone);
    const start = startOfLocalDay(today, zone);
    q =
      view === 'today'
        ? q
            .where('t.due_at', '>=', start)
            .where('t.due_at', '<', startOfLocalDay(addDays(today, 1), zone))
        : q.where('t.due_at', '<', start);
  }
  const key = view === 'done' ? sql.ref('t.done_at') : sql.ref('t.due_at');
  const desc = view === 'done';
  if (query.cursor) {
    const c = decodeTimeCursor(query.cursor);
    q = q.where(sql<boolean>`(${key}, t.id) ${sql.raw(desc ? '<' : '>')} (${c.at}, ${c.id})`);
  }
  const direction = desc ? 'desc' : 'asc';
  const rows = (await q
    .orderBy(key, direction)
    .orderBy('t.id', direction)
    .limit(limit + 1)
    .execute()) as GuideTask[];
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const at = last && (desc ? last.done_at : last.due_at);
  return {
    items,
    next_cursor: rows.length > limit && last && at ? encodeTimeCursor({ at, id: last.id }) : null,
  };
}

/** A task the caller may act on: their own, or any with guides.admin; else 404. */
async function lockTask(trx: Trx, ctx: Ctx, id: string) {
  let q = trx
    .selectFrom('guide_task')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id);
  if (!seesAll(ctx)) q = q.where('staff_id', '=', ctx.actor.id ?? '');
  const task = await q.forUpdate().executeTakeFirst();
  if (!task) throw new DomainError('guide_task.not_found');
  if (task.status !== 'open') throw new DomainError('guide_task.not_open');
  return task;
}

export async function getTask(db: Db | Trx, ctx: Ctx, id: string): Promise<GuideTask> {
  let q = taskQuery(db, ctx).where('t.id', '=', id);
  if (!seesAll(ctx)) q = q.where('t.staff_id', '=', ctx.actor.id ?? '');
  const task = await q.executeTakeFirst();
  if (!task) throw new DomainError('guide_task.not_found');
  return task as GuideTask;
}

/** Marks an open task done with what came of it. */
export async function completeTask(trx: Trx, ctx: Ctx, id: string, input: CompleteTaskBody) {
  await lockTask(trx, ctx, id);
  await trx
    .updateTable('guide_task')
    .set({ status: 'done', outcome: input.outcome, note: input.note ?? null, done_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'guide_task.done',
    entityType: 'guide_task',
    entityId: id,
    after: { outcome: input.outcome },
  });
  return getTask(trx, ctx, id);
}

export async function cancelTask(trx: Trx, ctx: Ctx, id: string) {
  await lockTask(trx, ctx, id);
  await trx
    .updateTable('guide_task')
    .set({ status: 'cancelled' })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'guide_task.cancel',
    entityType: 'guide_task',
    entityId: id,
  });
  return getTask(trx, ctx, id);
}
