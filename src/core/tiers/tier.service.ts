import type { Db, Trx } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow } from '../tenant-row.ts';
import { validateRights } from './tier.rules.ts';
import type { TierBody, TierPatch, TierSettingBody } from './tier.schema.ts';
import type { TierRow, TierSettingRow } from './tier.table.ts';

/** A merchant that never set tiers up grows 1 per ¥1 and reviews yearly. */
export function defaultTierSetting(merchantId: string, now: Date): TierSettingRow {
  return {
    merchant_id: merchantId,
    basis: 'growth',
    fen_per_growth: 100,
    review_months: 12,
    activation_growth: 0,
    profile_growth: 0,
    updated_at: now,
  };
}

export const tierSettingQuery = (db: Db | Trx, ctx: Ctx) =>
  db.selectFrom('tier_setting').selectAll().where('merchant_id', '=', ctx.merchantId);

export async function getTierSetting(db: Db | Trx, ctx: Ctx): Promise<TierSettingRow> {
  const row = await tierSettingQuery(db, ctx).executeTakeFirst();
  return row ?? defaultTierSetting(ctx.merchantId, ctx.now);
}

export async function updateTierSetting(
  trx: Trx,
  ctx: Ctx,
  input: TierSettingBody,
): Promise<TierSettingRow> {
  const before = await getTierSetting(trx, ctx);
  const { merchant_id: _m, updated_at: _u, ...current } = before;
  const next = {
    ...current,
    ...pickDefined(input, {
      basis: true,
      fen_per_growth: true,
      review_months: true,
      activation_growth: true,
      profile_growth: true,
    }),
  };
  const after = await trx
    .insertInto('tier_setting')
    .values({ merchant_id: ctx.merchantId, ...next, updated_at: ctx.now })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...next, updated_at: ctx.now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'tier.settings',
    entityType: 'tier_setting',
    entityId: null,
    before: current,
    after: next,
  });
  return after;
}

/** Tiers in threshold order, lowest first. */
export const tiersQuery = (db: Db | Trx, ctx: Ctx) =>
  db.selectFrom('tier').selectAll().where('merchant_id', '=', ctx.merchantId).orderBy('threshold');

export async function listTiers(db: Db | Trx, ctx: Ctx): Promise<TierRow[]> {
  return tiersQuery(db, ctx).execute();
}

/** `field` names the body field when the id came from a body (a foreign id): 404 with it. */
export const getTier = (db: Db | Trx, ctx: Ctx, id: string, field?: string): Promise<TierRow> =>
  getOwnRow(db, ctx, 'tier', id, 'tier.not_found', field);

function uniqueTierError(e: unknown): unknown {
  if (isUniqueViolation(e, 'tier_merchant_id_threshold_key'))
    return new DomainError('tier.threshold_taken', { field: 'threshold' });
  if (isUniqueViolation(e, 'tier_merchant_id_name_key'))
    return new DomainError('tier.name_taken', { field: 'name' });
  return e;
}

export async function createTier(trx: Trx, ctx: Ctx, input: TierBody): Promise<TierRow> {
  const tier = await trx
    .insertInto('tier')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name.trim(),
      threshold: input.threshold,
      discount_bp: input.discount_bp ?? 0,
      points_multiplier_bp: input.points_multiplier_bp ?? 10_000,
      birthday_multiplier_bp: input.birthday_multiplier_bp ?? 10_000,
      rights: JSON.stringify(validateRights(input.rights ?? [])),
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      throw uniqueTierError(e);
    });
  await recordAudit(trx, ctx, {
    action: 'tier.create',
    entityType: 'tier',
    entityId: tier.id,
    after: input,
  });
  return tier;
}

/** Members keep the tier they hold until their review; a changed threshold applies from then. */
export async function updateTier(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: TierPatch,
): Promise<TierRow> {
  const before = await getTier(trx, ctx, id);
  const { rights, name } = input;
  const tier = await trx
    .updateTable('tier')
    .set({
      ...pickDefined(input, {
        threshold: true,
        discount_bp: true,
        points_multiplier_bp: true,
        birthday_multiplier_bp: true,
        name: false,
        rights: false,
      }),
      ...(name !== undefined ? { name: name.trim() } : {}),
      ...(rights !== undefined ? { rights: JSON.stringify(validateRights(rights)) } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      throw uniqueTierError(e);
    });
  const changed = Object.keys(input) as (keyof TierRow)[];
  await recordAudit(trx, ctx, {
    action: 'tier.update',
    entityType: 'tier',
    entityId: id,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: input,
  });
  return tier;
}

/** A tier that a member holds or held, or a paid plan grants, stays: history keeps its meaning. */
export async function deleteTier(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  const tier = await getTier(trx, ctx, id);
  const used = await trx
    .selectFrom('member_loyalty')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('tier_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  const inHistory = await trx
    .selectFrom('tier_history')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where((eb) => eb.or([eb('from_tier_id', '=', id), eb('to_tier_id', '=', id)]))
    .limit(1)
    .executeTakeFirst();
  const inPlan = await trx
    .selectFrom('membership_plan')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('tier_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (used || inHistory || inPlan) throw new DomainError('tier.in_use');
  await trx
    .deleteFrom('tier')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'tier.delete',
    entityType: 'tier',
    entityId: id,
    before: { name: tier.name, threshold: tier.threshold },
  });
}
