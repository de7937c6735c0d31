import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { AssignGuideBody, AssignStoreBody } from './guide.schema.ts';

/** An active staff member of the caller's merchant, or 404 naming `staff_id`. */
export async function getGuide(db: Db | Trx, ctx: Ctx, staffId: string) {
  const staff = await getOwnRow(db, ctx, 'staff', staffId, 'staff.not_found', 'staff_id');
  if (!staff.active) throw new DomainError('staff.not_found', { field: 'staff_id' });
  return staff;
}

/** The active members listed, or of a home store, get `staffId` as their guide (or none). */
async function setGuide(
  trx: Trx,
  ctx: Ctx,
  staffId: string | null,
  members: { member_ids: readonly string[] } | { store_id: string },
): Promise<number> {
  const update = trx
    .updateTable('member')
    .set({ guide_staff_id: staffId, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('status', '=', 'active');
  const result = await ('store_id' in members
    ? update.where('home_store_id', '=', members.store_id)
    : update.where('id', 'in', members.member_ids)
  ).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Gives the listed active members a guide (or none); unknown ids are ignored and not counted. */
export async function assignGuide(trx: Trx, ctx: Ctx, input: AssignGuideBody) {
  if (input.staff_id) await getGuide(trx, ctx, input.staff_id);
  const assigned = await setGuide(trx, ctx, input.staff_id, { member_ids: input.member_ids });
  await recordAudit(trx, ctx, {
    action: 'guide.assign',
    entityType: 'staff',
    entityId: input.staff_id,
    after: { member_ids: input.member_ids, assigned },
  });
  return { assigned };
}

/** Every active member whose home store is `store_id` gets that store's staff member as guide. */
export async function assignStoreGuide(trx: Trx, ctx: Ctx, input: AssignStoreBody) {
  await getOwnRow(trx, ctx, 'store', input.store_id, 'store.not_found', 'store_id');
  const staff = await getGuide(trx, ctx, input.staff_id);
  if (staff.store_id !== input.store_id)
    throw new DomainError('guide.staff_not_in_store', { field: 'staff_id' });
  const assigned = await setGuide(trx, ctx, input.staff_id, { store_id: input.store_id });
  await recordAudit(trx, ctx, {
    action: 'guide.assign_store',
    entityType: 'staff',
    entityId: input.staff_id,
    after: { store_id: input.store_id, assigned },
  });
  return { assigned };
}

/** Active staff who may guide, with how many members they guide and their open tasks. */
export async function listGuides(db: Db, ctx: Ctx) {
  const rows = await db
    .selectFrom('staff as s')
    .select((eb) => [
      's.id',
      's.display_name',
      's.role',
      's.store_id',
      eb
        .selectFrom('member as m')
        .select(eb.fn.countAll<string>().as('n'))
        .where('m.merchant_id', '=', ctx.merchantId)
        .whereRef('m.guide_staff_id', '=', 's.id')
        .where('m.status', '=', 'active')
        .as('members'),
      eb
        .selectFrom('guide_task as t')
        .select(eb.fn.countAll<string>().as('n'))
        .where('t.merchant_id', '=', ctx.merchantId)
        .whereRef('t.staff_id', '=', 's.id')
        .where('t.status', '=', 'open')
        .as('open_tasks'),
    ])
    .where('s.merchant_id', '=', ctx.merchantId)
    .where('s.active', '=', true)
    .orderBy('s.display_name')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({ ...r, members: Number(r.members), open_tasks: Number(r.open_tasks) }));
}

/** A member's guide (id and name) or null. */
export async function guideOfMember(db: Db, ctx: Ctx, memberId: string) {
  const member = await getOwnRow(db, ctx, 'member', memberId, 'member.not_found');
  if (!member.guide_staff_id) return null;
  const staff = await getOwnRow(db, ctx, 'staff', member.guide_staff_id, 'staff.not_found');
  return { id: staff.id, display_name: staff.display_name, store_id: staff.store_id };
}
