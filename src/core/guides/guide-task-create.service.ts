import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import type { GuideTaskKind } from './guide-task.table.ts';

export interface NewGuideTask {
  memberId: string;
  /** defaults to the member's guide (member.guide_staff_id) */
  staffId?: string;
  kind: GuideTaskKind;
  title: string;
  script?: string;
  dueAt: Date;
  campaignId?: string;
}

/**
 * Follow-up tasks for guides, in one `insert … select` however many (a campaign hands over
 * thousands). A task goes to its staffId or else the member's guide; it is skipped, and
 * counted, when the member is not an active member of the merchant, has no guide, or the
 * staff member is not an active staff member of the merchant.
 */
export async function createGuideTasks(
  trx: Trx,
  ctx: Ctx,
  tasks: readonly NewGuideTask[],
): Promise<{ created: number; skipped: number }> {
  if (tasks.length === 0) return { created: 0, skipped: 0 };
  const column = <T>(pick: (t: NewGuideTask) => T) => tasks.map(pick);
  const result = await sql`
    insert into guide_task
      (merchant_id, id, staff_id, member_id, kind, title, script, due_at, campaign_id, created_at)
    select m.merchant_id, ${sqlUuidV7}, s.id, m.id, t.kind, t.title, t.script, t.due_at,
      t.campaign_id, ${ctx.now}
    from unnest(
      ${column((t) => t.memberId)}::uuid[], ${column((t) => t.staffId ?? null)}::uuid[],
      ${column((t) => t.kind)}::text[], ${column((t) => t.title)}::text[],
      ${column((t) => t.script ?? null)}::text[], ${column((t) => t.dueAt)}::timestamptz[],
      ${column((t) => t.campaignId ?? null)}::uuid[]
    ) as t (member_id, staff_id, kind, title, script, due_at, campaign_id)
    join member m on m.merchant_id = ${ctx.merchantId} and m.id = t.member_id
      and m.status = 'active'
    join staff s on s.merchant_id = ${ctx.merchantId}
      and s.id = coalesce(t.staff_id, m.guide_staff_id) and s.active
  `.execute(trx);
  const created = Number(result.numAffectedRows ?? 0n);
  return { created, skipped: tasks.length - created };
}
