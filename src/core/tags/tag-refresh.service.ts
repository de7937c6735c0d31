import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { checkSegmentRule } from '../segments/segment.service.ts';
import { segmentMembers } from '../segments/segment-query.service.ts';
import { lockOwnRow } from '../tenant-row.ts';
import { addTagTo, getManualTag, removeTagFrom } from './member-tag.service.ts';

/** Bulk add (or remove) a manual tag to every member a segment rule matches at ctx.now. */
export async function tagMembersMatching(
  trx: Trx,
  ctx: Ctx,
  tagId: string,
  rule: SegmentRule,
  change: 'add' | 'remove' = 'add',
): Promise<number> {
  await getManualTag(trx, ctx, tagId);
  await checkSegmentRule(trx, ctx, rule);
  const members = segmentMembers(trx, ctx, rule);
  return change === 'add'
    ? addTagTo(trx, ctx, tagId, 'manual', members)
    : removeTagFrom(trx, ctx, tagId, 'manual', members);
}

export interface RefreshOutcome {
  tag_id: string;
  added: number;
  removed: number;
}

/**
 * One rule tag brought in line with its rule at ctx.now, in its own transaction: the matching
 * members who lack it get it, the holders who no longer match lose it (non-active members
 * never match), each change with a history row. The tag row is locked so two refreshes of one
 * tag queue up rather than interleave.
 */
export async function refreshRuleTag(db: Db, ctx: Ctx, tagId: string): Promise<RefreshOutcome> {
  return db.transaction().execute(async (trx) => {
    const tag = await lockOwnRow(trx, ctx, 'tag', tagId, 'tag.not_found');
    if (tag.kind !== 'rule') throw new DomainError('tag.kind_mismatch');
    if (!tag.active) throw new DomainError('tag.inactive');
    const rule = tag.rule as SegmentRule;
    const removed = await removeTagFrom(
      trx,
      ctx,
      tagId,
      'rule',
      segmentMembers(trx, ctx, rule),
      'all_but',
    );
    const added = await addTagTo(trx, ctx, tagId, 'rule', segmentMembers(trx, ctx, rule));
    await trx
      .updateTable('tag')
      .set({ refreshed_at: ctx.now })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', tagId)
      .execute();
    return { tag_id: tagId, added, removed };
  });
}

/** Every active rule tag of the merchant, one transaction each. */
export async function refreshRuleTags(db: Db, ctx: Ctx): Promise<RefreshOutcome[]> {
  const tags = await db
    .selectFrom('tag')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('kind', '=', 'rule')
    .where('active', '=', true)
    .orderBy('id')
    .execute();
  const outcomes: RefreshOutcome[] = [];
  for (const { id } of tags) outcomes.push(await refreshRuleTag(db, ctx, id));
  return outcomes;
}
