import type { Db, Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { type PlanInput, REFUND_POLICY, validatePlan } from './recharge.rules.ts';
import { getPlanRow, listPlanRows, updatePlanOffer } from './sold-plan.service.ts';
import type { RechargePlanRow } from './wallet.table.ts';

export async function createRechargePlan(
  trx: Trx,
  ctx: Ctx,
  input: PlanInput,
): Promise<RechargePlanRow> {
  const terms = validatePlan(input);
  const plan = await trx
    .insertInto('recharge_plan')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      ...terms,
      coupon_pack: JSON.stringify(terms.coupon_pack),
      active: true,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'recharge_plan.create',
    entityType: 'recharge_plan',
    entityId: plan.id,
    after: terms,
  });
  return plan;
}

/**
 * Only the name and whether it is offered can change: recharges point at their plan, so its
 * numbers stay what the member was sold. New numbers are a new plan.
 */
export const updateRechargePlan = (
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: { name?: string | undefined; active?: boolean | undefined },
): Promise<RechargePlanRow> => updatePlanOffer(trx, ctx, 'recharge_plan', id, patch);

export const getRechargePlan = (db: Db | Trx, ctx: Ctx, id: string): Promise<RechargePlanRow> =>
  getPlanRow(db, ctx, 'recharge_plan', id);

export const listRechargePlans = (
  db: Db,
  ctx: Ctx,
  filter: { active?: boolean | undefined },
): Promise<RechargePlanRow[]> => listPlanRows(db, ctx, 'recharge_plan', filter);

/** A plan as the API shows it, with what the member "gets" and the refund rule spelled out. */
export function presentPlan(plan: RechargePlanRow, locale: 'zh-CN' | 'en') {
  const couponValue = plan.coupon_pack.reduce((n, c) => n + c.face_value_fen * c.quantity, 0);
  return {
    id: plan.id,
    name: plan.name,
    price_fen: plan.price_fen,
    bonus_fen: plan.bonus_fen,
    bonus_mode: plan.bonus_mode,
    bonus_instalments_fen: plan.bonus_instalments_fen,
    instalment_start: plan.instalment_start,
    coupon_pack: plan.coupon_pack,
    coupon_value_fen: couponValue,
    gift_value_fen: plan.bonus_fen + couponValue,
    refundable: plan.refundable,
    refund_policy: plan.refundable
      ? locale === 'en'
        ? REFUND_POLICY.en
        : REFUND_POLICY.zh
      : locale === 'en'
        ? 'Not refundable.'
        : '不可退款。',
    active: plan.active,
    created_at: plan.created_at,
    updated_at: plan.updated_at,
  };
}
