import { type Static, Type } from 'typebox';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { Body, Uuid } from '../../lib/schema.ts';
import type { Ctx } from '../context.ts';
import { issueCoupons } from '../coupons/coupon.service.ts';
import { TaskFields } from '../guides/guide.schema.ts';
import { getGuide } from '../guides/guide-assign.service.ts';
import { createGuideTasks } from '../guides/guide-task-create.service.ts';
import { addMemberTags } from '../tags/member-tag.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import { ListMembersQuery } from './member.schema.ts';
import { filteredMemberIds } from './member-query.service.ts';

/** A bulk action reaches at most this many members at once (a campaign reaches more). */
export const BULK_CAP = 50_000;

const { cursor, limit, sort, order, ...filterFields } = ListMembersQuery.properties;
export const MemberFilter = Type.Object(filterFields, { additionalProperties: false });

/** The members a bulk action is for: a selection of ids, or everyone the list's filter shows. */
const Selection = {
  member_ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true })),
  filter: Type.Optional(MemberFilter),
};
export const BulkTagBody = Body({ ...Selection, tag_id: Uuid });
export const BulkCouponBody = Body({ ...Selection, template_id: Uuid });
export const BulkTaskBody = Body({ ...Selection, staff_id: Type.Optional(Uuid), ...TaskFields });
type SelectionInput = { member_ids?: string[]; filter?: Static<typeof MemberFilter> };

/** The active members of the caller's merchant a selection names (unknown ids drop out). */
export async function selectedMembers(db: Db | Trx, ctx: Ctx, input: SelectionInput) {
  if ((input.member_ids === undefined) === (input.filter === undefined))
    throw new DomainError('request.invalid', { field: 'member_ids' });
  const filter = input.member_ids ? { ids: input.member_ids.join(',') } : (input.filter ?? {});
  const ids = await filteredMemberIds(db, ctx, { ...filter, status: 'active' }, BULK_CAP);
  if (ids.length > BULK_CAP)
    throw new DomainError('member.bulk_too_large', { field: 'filter', params: { cap: BULK_CAP } });
  return ids;
}

export async function bulkTag(trx: Trx, ctx: Ctx, input: Static<typeof BulkTagBody>) {
  await getOwnRow(trx, ctx, 'tag', input.tag_id, 'tag.not_found', 'tag_id');
  const memberIds = await selectedMembers(trx, ctx, input);
  const added = await addMemberTags(trx, ctx, { tagId: input.tag_id, memberIds, source: 'manual' });
  return { members: memberIds.length, added };
}

/** One coupon of the template to each selected member, as far as stock and limits allow. */
export async function bulkCoupons(trx: Trx, ctx: Ctx, input: Static<typeof BulkCouponBody>) {
  // the named rows first: another merchant's id is a 404 on its field, whatever the selection
  await getOwnRow(
    trx,
    ctx,
    'coupon_template',
    input.template_id,
    'coupon.template_not_found',
    'template_id',
  );
  const memberIds = await selectedMembers(trx, ctx, input);
  const result = await issueCoupons(trx, ctx, {
    template_id: input.template_id,
    member_ids: memberIds,
    via: 'push',
    ref_id: newId(),
  });
  return {
    members: memberIds.length,
    issued: result.issued.size,
    over_limit: result.overLimit.length,
    out_of_stock: result.outOfStock.length,
  };
}

export async function bulkTasks(trx: Trx, ctx: Ctx, input: Static<typeof BulkTaskBody>) {
  if (input.staff_id) await getGuide(trx, ctx, input.staff_id);
  const memberIds = await selectedMembers(trx, ctx, input);
  const dueAt = new Date(input.due_at);
  const result = await createGuideTasks(
    trx,
    ctx,
    memberIds.map((memberId) => ({
      memberId,
      staffId: input.staff_id,
      kind: input.kind,
      title: input.title,
      script: input.script,
      dueAt,
    })),
  );
  return { members: memberIds.length, ...result };
}
