import { type SelectQueryBuilder, sql } from 'kysely';
import type { Database, Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { HistoryQuery, Interaction } from './tag.schema.ts';
import type { TagSource } from './tag.table.ts';

/** A query selecting one column `member_id`: a list of ids, a segment, a rule tag's rule. */
export type MemberSet = SelectQueryBuilder<Database, any, { member_id: string }>;

const actorOf = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.id : null);

/** The history of a change: one row per (tag_id, member_id) row of the statement's CTE `of`. */
const historyOf = (ctx: Ctx, of: string, change: 'added' | 'removed', source: string) => sql`
  insert into member_tag_history (merchant_id, id, tag_id, member_id, change, source, actor_id, at)
  select ${ctx.merchantId}, ${sqlUuidV7}, tag_id, member_id, ${change}, ${source},
    ${actorOf(ctx)}, ${ctx.now}
  from ${sql.table(of)}`;

/**
 * Gives `tagId` to every active member of `members` that lacks it, with one history row per
 * member that really got it (a second add writes nothing). One statement.
 */
export async function addTagTo(
  trx: Trx | Db,
  ctx: Ctx,
  tagId: string,
  source: TagSource,
  members: MemberSet,
): Promise<number> {
  const m = ctx.merchantId;
  const { rows } = await sql<{ n: number }>`
    with added as (
      insert into member_tag (merchant_id, tag_id, member_id, source, added_at)
      select ${m}, ${tagId}, mb.id, ${source}, ${ctx.now} from member mb
      where mb.merchant_id = ${m} and mb.status = 'active' and mb.id in ${members}
      on conflict do nothing
      returning tag_id, member_id
    ), logged as (${historyOf(ctx, 'added', 'added', source)})
    select count(*)::int as n from added`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** Takes `tagId` from the members of `members` (or, with `keep`, from all but them). */
export async function removeTagFrom(
  trx: Trx | Db,
  ctx: Ctx,
  tagId: string,
  source: TagSource,
  members: MemberSet,
  mode: 'these' | 'all_but' = 'these',
): Promise<number> {
  const m = ctx.merchantId;
  const match = mode === 'these' ? sql`in` : sql`not in`;
  const { rows } = await sql<{ n: number }>`
    with removed as (
      delete from member_tag where merchant_id = ${m} and tag_id = ${tagId}
        and member_id ${match} ${members}
      returning tag_id, member_id
    ), logged as (${historyOf(ctx, 'removed', 'removed', source)})
    select count(*)::int as n from removed`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** The listed members as a member set; an id that is not this merchant's member is a 404. */
export async function listedMembers(
  trx: Trx | Db,
  ctx: Ctx,
  memberIds: readonly string[],
): Promise<MemberSet> {
  const ids = [...new Set(memberIds)];
  const found = await trx
    .selectFrom('member')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
  if (Number(found.n) !== ids.length)
    throw new DomainError('member.not_found', { field: 'member_ids' });
  return trx
    .selectFrom('member')
    .select('id as member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', ids);
}

/** A manual (or imported) tag, active: the only kind staff add and remove by hand. */
export async function getManualTag(trx: Trx | Db, ctx: Ctx, tagId: string, field?: string) {
  const tag = await getOwnRow(trx, ctx, 'tag', tagId, 'tag.not_found', field);
  if (tag.kind !== 'manual') throw new DomainError('tag.not_manual', field ? { field } : {});
  if (!tag.active) throw new DomainError('tag.inactive', field ? { field } : {});
  return tag;
}

/** The contract's add: set-based, history for the members that did not hold the tag yet. */
export async function addMemberTags(
  trx: Trx,
  ctx: Ctx,
  input: { tagId: string; memberIds: readonly string[]; source: TagSource },
): Promise<number> {
  await getOwnRow(trx, ctx, 'tag', input.tagId, 'tag.not_found', 'tag_id');
  if (input.memberIds.length === 0) return 0;
  const members = await listedMembers(trx, ctx, input.memberIds);
  return addTagTo(trx, ctx, input.tagId, input.source, members);
}

export async function removeMemberTags(
  trx: Trx,
  ctx: Ctx,
  input: { tagId: string; memberIds: readonly string[]; source?: TagSource },
): Promise<number> {
  await getOwnRow(trx, ctx, 'tag', input.tagId, 'tag.not_found', 'tag_id');
  if (input.memberIds.length === 0) return 0;
  const members = await listedMembers(trx, ctx, input.memberIds);
  return removeTagFrom(trx, ctx, input.tagId, input.source ?? 'manual', members);
}

/**
 * The member did `interaction`: every active interaction tag for it is added (once; history
 * only when new). One statement, inside the caller's transaction.
 */
export async function recordInteraction(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  interaction: Interaction,
): Promise<void> {
  const m = ctx.merchantId;
  await sql`
    with added as (
      insert into member_tag (merchant_id, tag_id, member_id, source, added_at)
      select ${m}, t.id, ${memberId}, 'interaction', ${ctx.now} from tag t
      where t.merchant_id = ${m} and t.kind = 'interaction' and t.active
        and t.interaction = ${interaction}
      on conflict do nothing
      returning tag_id, member_id
    )
    ${historyOf(ctx, 'added', 'added', 'interaction')}`.execute(trx);
}

/**
 * A merge: the merged record's tags go to the survivor (what it already holds stays as it is),
 * each move written to both members' history; rule tags follow at the next refresh anyway.
 */
export async function moveMemberTags(trx: Trx, ctx: Ctx, fromId: string, toId: string) {
  const m = ctx.merchantId;
  const { rows } = await sql<{ n: number }>`
    with taken as (
      delete from member_tag where merchant_id = ${m} and member_id = ${fromId}
      returning tag_id, member_id, source
    ), given as (
      insert into member_tag (merchant_id, tag_id, member_id, source, added_at)
      select ${m}, tag_id, ${toId}, source, ${ctx.now} from taken
      on conflict do nothing
      returning tag_id, member_id
    ), logged_out as (${historyOf(ctx, 'taken', 'removed', 'merge')}),
    logged_in as (${historyOf(ctx, 'given', 'added', 'merge')})
    select count(*)::int as n from given`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** The tags a member holds, with their group colour. */
export async function listMemberTags(db: Db, ctx: Ctx, memberId: string) {
  await getOwnRow(db, ctx, 'member', memberId, 'member.not_found');
  return db
    .selectFrom('member_tag as mt')
    .innerJoin('tag as t', (j) =>
      j.onRef('t.id', '=', 'mt.tag_id').on('t.merchant_id', '=', ctx.merchantId),
    )
    .leftJoin('tag_group as g', (j) =>
      j.onRef('g.id', '=', 't.group_id').on('g.merchant_id', '=', ctx.merchantId),
    )
    .select([
      'mt.tag_id',
      't.name',
      't.kind',
      't.group_id',
      'g.name as group_name',
      'g.color',
      'mt.source',
      'mt.added_at',
    ])
    .where('mt.merchant_id', '=', ctx.merchantId)
    .where('mt.member_id', '=', memberId)
    .orderBy(sql`g.sort nulls last`)
    .orderBy('t.name')
    .execute();
}

/** Tag history of one member or one tag, newest first, paged by `before`. */
export async function listTagHistory(
  db: Db,
  ctx: Ctx,
  of: { memberId: string } | { tagId: string },
  query: HistoryQuery,
) {
  if ('memberId' in of) await getOwnRow(db, ctx, 'member', of.memberId, 'member.not_found');
  else await getOwnRow(db, ctx, 'tag', of.tagId, 'tag.not_found');
  let q = db
    .selectFrom('member_tag_history as h')
    .innerJoin('tag as t', (j) =>
      j.onRef('t.id', '=', 'h.tag_id').on('t.merchant_id', '=', ctx.merchantId),
    )
    .innerJoin('member as mb', (j) =>
      j.onRef('mb.id', '=', 'h.member_id').on('mb.merchant_id', '=', ctx.merchantId),
    )
    .select([
      'h.id',
      'h.tag_id',
      't.name as tag_name',
      'h.member_id',
      'mb.name as member_name',
      'h.change',
      'h.source',
      'h.actor_id',
      'h.at',
    ])
    .where('h.merchant_id', '=', ctx.merchantId);
  q =
    'memberId' in of
      ? q.where('h.member_id', '=', of.memberId)
      : q.where('h.tag_id', '=', of.tagId);
  if (query.before) q = q.where('h.at', '<', new Date(query.before));
  return q
    .orderBy('h.at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(query.limit ?? 100)
    .execute();
}
