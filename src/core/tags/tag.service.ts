import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import type { Ctx } from '../context.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { checkSegmentRule } from '../segments/segment.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import type { CreateTagBody, TagGroupBody, TagGroupPatch, TagPatch } from './tag.schema.ts';
import type { TagGroupRow, TagRow } from './tag.table.ts';

export const listTagGroups = (db: Db, ctx: Ctx): Promise<TagGroupRow[]> =>
  db
    .selectFrom('tag_group')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('sort')
    .orderBy('name')
    .execute();

export async function createTagGroup(trx: Trx, ctx: Ctx, input: TagGroupBody) {
  return trx
    .insertInto('tag_group')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name,
      color: input.color.toLowerCase(),
      sort: input.sort ?? 0,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateTagGroup(trx: Trx, ctx: Ctx, id: string, patch: TagGroupPatch) {
  await lockOwnRow(trx, ctx, 'tag_group', id, 'tag.group_not_found');
  const changes = pickDefined(patch, { name: true, color: false, sort: true });
  return trx
    .updateTable('tag_group')
    .set({ ...changes, ...(patch.color ? { color: patch.color.toLowerCase() } : {}) })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a group; its tags stay, ungrouped. */
export async function deleteTagGroup(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  await lockOwnRow(trx, ctx, 'tag_group', id, 'tag.group_not_found');
  await trx
    .updateTable('tag')
    .set({ group_id: null, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('group_id', '=', id)
    .execute();
  await trx
    .deleteFrom('tag_group')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
}

export type TagView = Omit<TagRow, 'rule'> & { rule: SegmentRule | null; member_count: number };

/** The tags with how many members hold each, grouped tags first by group order. */
export async function listTags(db: Db | Trx, ctx: Ctx, id?: string): Promise<TagView[]> {
  let q = db
    .selectFrom('tag as t')
    .leftJoin('tag_group as g', (j) =>
      j.onRef('g.id', '=', 't.group_id').on('g.merchant_id', '=', ctx.merchantId),
    )
    .selectAll('t')
    .select(
      sql<number>`(select count(*)::int from member_tag mt
        where mt.merchant_id = ${ctx.merchantId} and mt.tag_id = t.id)`.as('member_count'),
    )
    .where('t.merchant_id', '=', ctx.merchantId);
  if (id) q = q.where('t.id', '=', id);
  const rows = await q.orderBy(sql`g.sort nulls last`).orderBy('t.name').execute();
  return rows as TagView[];
}

export async function getTag(db: Db | Trx, ctx: Ctx, id: string): Promise<TagView> {
  const [tag] = await listTags(db, ctx, id);
  if (!tag) throw new DomainError('tag.not_found');
  return tag;
}

async function checkGroup(trx: Trx, ctx: Ctx, groupId: string | null | undefined) {
  if (groupId) await getOwnRow(trx, ctx, 'tag_group', groupId, 'tag.group_not_found', 'group_id');
}

export async function createTag(trx: Trx, ctx: Ctx, input: CreateTagBody): Promise<TagView> {
  const { kind } = input;
  if ((kind === 'rule') !== (input.rule !== undefined))
    throw new DomainError('tag.kind_mismatch', { field: 'rule' });
  if ((kind === 'interaction') !== (input.interaction !== undefined))
    throw new DomainError('tag.kind_mismatch', { field: 'interaction' });
  await checkGroup(trx, ctx, input.group_id);
  const rule = input.rule ? await ruleJson(trx, ctx, input.rule) : null;
  const id = newId();
  await trx
    .insertInto('tag')
    .values({
      merchant_id: ctx.merchantId,
      id,
      group_id: input.group_id ?? null,
      name: input.name,
      kind: input.kind,
      rule,
      interaction: input.interaction ?? null,
      refreshed_at: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .execute();
  return getTag(trx, ctx, id);
}

/** A rule change takes effect at the tag's next refresh (on demand or nightly). */
export async function updateTag(trx: Trx, ctx: Ctx, id: string, patch: TagPatch) {
  const tag = await lockOwnRow(trx, ctx, 'tag', id, 'tag.not_found');
  if (patch.rule !== undefined && tag.kind !== 'rule')
    throw new DomainError('tag.kind_mismatch', { field: 'rule' });
  await checkGroup(trx, ctx, patch.group_id);
  const changes = pickDefined(patch, { name: true, group_id: true, rule: false, active: true });
  await trx
    .updateTable('tag')
    .set({
      ...changes,
      ...(patch.rule ? { rule: await ruleJson(trx, ctx, patch.rule) } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  return getTag(trx, ctx, id);
}

/** A rule checked like a segment's (shape, caps, windows, the merchant's custom fields). */
async function ruleJson(trx: Trx, ctx: Ctx, rule: SegmentRule): Promise<string> {
  return JSON.stringify(await checkSegmentRule(trx, ctx, rule));
}
