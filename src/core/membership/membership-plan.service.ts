import type { Db, Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getTier } from '../tiers/tier.service.ts';
import { getPlanRow, listPlanRows, updatePlanOffer } from '../wallet/sold-plan.service.ts';
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
export const updateMembershipPlan = (
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: { name?: string | undefined; active?: boolean | undefined },
): Promise<MembershipPlanRow> => updatePlanOffer(trx, ctx, 'membership_plan', id, patch);

export const getMembershipPlan = (db: Db | Trx, ctx: Ctx, id: string): Promise<MembershipPlanRow> =>
  getPlanRow(db, ctx, 'membership_plan', id);

export const listMembershipPlans = (db: Db, ctx: Ctx): Promise<MembershipPlanRow[]> =>
  listPlanRows(db, ctx, 'membership_plan');

export function presentMembershipPlan(plan: MembershipPlanRow, locale: 'zh-CN' | 'en') {
  const { merchant_id: _, ...rest } = plan;
  return { ...rest, refund_policy: refundPolicyText(plan.refund_full_within_days, locale) };
}
