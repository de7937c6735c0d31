import type { Db } from '../../db/database.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { RunQuery, RunResponse } from './automation.schema.ts';

/**
 * An automation's run log, newest first: each member's occurrence, when it fell due, and what
 * it did or why nothing (`outcome`); `outcome=reached` is the members it reached.
 */
export async function listRuns(
  db: Db,
  ctx: Ctx,
  automationId: string,
  filter: RunQuery,
): Promise<{ items: RunResponse[]; next_cursor: string | null }> {
  await getOwnRow(db, ctx, 'automation', automationId, 'automation.not_found');
  const limit = filter.limit ?? 50;
  let query = db
    .selectFrom('automation_run as r')
    .innerJoin('member as m', (j) =>
      j.onRef('m.merchant_id', '=', 'r.merchant_id').onRef('m.id', '=', 'r.member_id'),
    )
    .select([
      'r.id',
      'r.member_id',
      'm.name as member_name',
      'm.card_no',
      'r.occurrence',
      'r.due_at',
      'r.status',
      'r.outcome',
      'r.detail',
      'r.created_at',
      'r.done_at',
    ])
    .where('r.merchant_id', '=', ctx.merchantId)
    .where('r.automation_id', '=', automationId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1);
  if (filter.outcome) query = query.where('r.outcome', '=', filter.outcome);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor, 'r.created_at', 'r.id'));
  const page = timePage(await query.execute(), limit);
  return {
    items: page.items.map((r) => ({ ...r, detail: (r.detail ?? null) as RunResponse['detail'] })),
    next_cursor: page.next_cursor,
  };
}
