import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getTier } from '../tiers/tier.service.ts';
import {
  type MembershipPlanInput,
  refundPolicyText,
  validateMembershipPlan,
} from './membership.rules.ts';
import type { MembershipPlanRow } from './membership.table.ts';

export async function createMembershipPlan(
  trx: Trx,
  ctx: Ctx,
  input: MembershipPlanInput,
): Promise<MembershipPlanRow> {
  const terms = validateMembershipPlan(input);
  if (terms.tier_id) await getTier(trx, ctx, terms.tier_id, 'tier_id');
  const plan = await trx
    .insertInto('membership_plan')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      ...terms,
      monthly_coupons: JSON.stringify(terms.monthly_coupons),
      active: true,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'membership_plan.create',
    entityType: 'membership_plan',
    entityId: plan.id,
    after: terms,
  });
  return plan;
}

/** Name and availability only: periods already sold keep a copy of what they were sold with. */
export async function updateMembershipPlan(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: { name?: string | undefined; active?: boolean | undefined },
): Promise<MembershipPlanRow> {
  const before = await getMembershipPlan(trx, ctx, id);
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw new DomainError('membership.plan_invalid', { field: 'name' });
  const plan = await trx
    .updateTable('membership_plan')
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
    action: 'membership_plan.update',
    entityType: 'membership_plan',
    entityId: id,
    before: { name: before.name, active: before.active },
    after: { name: plan.name, active: plan.active },
  });
  return plan;
}

export async function getMembershipPlan(
  db: Db | Trx,
  ctx: Ctx,
  id: string,
): Promise<MembershipPlanRow> {
  return assertFound(
    await db
      .selectFrom('membership_plan')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .executeTakeFirst(),
    'membership.plan_not_found',
    'plan_id',
  );
}

export function listMembershipPlans(db: Db, ctx: Ctx): Promise<MembershipPlanRow[]> {
  return db
    .selectFrom('membership_plan')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('price_fen')
    .orderBy('created_at')
    .execute();
}

export function presentMembershipPlan(plan: MembershipPlanRow, locale: 'zh-CN' | 'en') {
  const { merchant_id: _, ...rest } = plan;
  return { ...rest, refund_policy: refundPolicyText(plan.refund_full_within_days, locale) };
}
