import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { type PlanInput, REFUND_POLICY, validatePlan } from './recharge.rules.ts';
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
export async function updateRechargePlan(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: { name?: string | undefined; active?: boolean | undefined },
): Promise<RechargePlanRow> {
  const before = await getRechargePlan(trx, ctx, id);
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw new DomainError('recharge.plan_invalid', { field: 'name' });
  const plan = await trx
    .updateTable('recharge_plan')
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
    action: 'recharge_plan.update',
    entityType: 'recharge_plan',
    entityId: id,
    before: { name: before.name, active: before.active },
    after: { name: plan.name, active: plan.active },
  });
  return plan;
}

export async function getRechargePlan(
  db: Db | Trx,
  ctx: Ctx,
  id: string,
): Promise<RechargePlanRow> {
  return assertFound(
    await db
      .selectFrom('recharge_plan')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .executeTakeFirst(),
    'recharge.plan_not_found',
    'plan_id',
  );
}

export async function listRechargePlans(
  db: Db,
  ctx: Ctx,
  filter: { active?: boolean | undefined },
): Promise<RechargePlanRow[]> {
  let query = db
    .selectFrom('recharge_plan')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('price_fen')
    .orderBy('created_at');
  if (filter.active !== undefined) query = query.where('active', '=', filter.active);
  return query.execute();
}

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
