import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow } from '../tenant-row.ts';

/**
 * What recharge plans and paid-membership plans share: both are sold at the till, and what was
 * sold keeps the plan's numbers, so after creation only the name and whether the plan is on
 * offer may change. Their terms, validation and presentation stay with each kind.
 */
export type PlanTable = 'recharge_plan' | 'membership_plan';

const CODES = {
  recharge_plan: { notFound: 'recharge.plan_not_found', invalid: 'recharge.plan_invalid' },
  membership_plan: { notFound: 'membership.plan_not_found', invalid: 'membership.plan_invalid' },
} as const;

export const getPlanRow = <T extends PlanTable>(db: Db | Trx, ctx: Ctx, table: T, id: string) =>
  getOwnRow(db, ctx, table, id, CODES[table].notFound, 'plan_id');

/** Cheapest first; `active` filters what is on offer. */
export function listPlanRows(
  db: Db,
  ctx: Ctx,
  table: PlanTable,
  filter: { active?: boolean | undefined } = {},
) {
  let query = db
    .selectFrom(table)
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('price_fen')
    .orderBy('created_at');
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return query.execute();
}

/** Renames a plan or takes it off (or back on) offer, audited. */
export async function updatePlanOffer(
  trx: Trx,
  ctx: Ctx,
  table: PlanTable,
  id: string,
  patch: { name?: string | undefined; active?: boolean | undefined },
) {
  const before = await getPlanRow(trx, ctx, table, id);
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw new DomainError(CODES[table].invalid, { field: 'name' });
  const plan = await trx
    .updateTable(table)
    .set({
      ...(name ? { name } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: `${table}.update`,
    entityType: table,
    entityId: id,
    before: { name: before.name, active: before.active },
    after: { name: plan.name, active: plan.active },
  });
  return plan;
}
