import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { CampaignBody, PointsRulesBody } from './points.schema.ts';
import type { PointsCampaignRow, PointsSettingRow } from './points.table.ts';

/** S4 defaults: 1 point per ¥1, activation +100, cashier grants up to 100, managers 1000. */
export function defaultPointsSetting(merchantId: string, now: Date): PointsSettingRow {
  return {
    merchant_id: merchantId,
    default_fen_per_point: 100,
    categories: [],
    expiry_policy: 'never',
    expiry_months: null,
    activation_bonus: 100,
    profile_bonus: 0,
    grant_ceilings: { manager: 1000, cashier: 100, marketer: 0, api_key: 1000 },
    grant_daily_ceilings: { manager: 5000, cashier: 500, marketer: 0, api_key: 5000 },
    earn_backdate_days: 30,
    updated_at: now,
  };
}

export const pointsSettingQuery = (db: Db | Trx, ctx: Ctx) =>
  db.selectFrom('points_setting').selectAll().where('merchant_id', '=', ctx.merchantId);

export async function getPointsSetting(db: Db | Trx, ctx: Ctx): Promise<PointsSettingRow> {
  const row = await pointsSettingQuery(db, ctx).executeTakeFirst();
  return row ?? defaultPointsSetting(ctx.merchantId, ctx.now);
}

/**
 * Replaces the given parts of the rules; what is not sent stays as it was. Grant ceilings
 * need `merchant.admin`: a manager must not raise their own.
 */
export async function updatePointsRules(
  trx: Trx,
  ctx: Ctx,
  input: PointsRulesBody,
): Promise<PointsSettingRow> {
  if (
    (input.grant_ceilings || input.grant_daily_ceilings) &&
    !ctx.actor.permissions.has('merchant.admin')
  )
    throw new DomainError('auth.forbidden', {
      field: input.grant_ceilings ? 'grant_ceilings' : 'grant_daily_ceilings',
      params: { permission: 'merchant.admin' },
    });
  const { merchant_id: _m, updated_at: _u, ...before } = await getPointsSetting(trx, ctx);
  const next = {
    ...before,
    ...pickDefined(input, {
      default_fen_per_point: true,
      expiry_policy: true,
      expiry_months: true,
      activation_bonus: true,
      profile_bonus: true,
      earn_backdate_days: true,
      categories: false,
      grant_ceilings: false,
      grant_daily_ceilings: false,
    }),
    categories:
      input.categories?.map((c) => ({ ...c, category: c.category.trim() })) ?? before.categories,
    grant_ceilings: { ...before.grant_ceilings, ...input.grant_ceilings },
    grant_daily_ceilings: { ...before.grant_daily_ceilings, ...input.grant_daily_ceilings },
  };
  const seen = new Set<string>();
  next.categories.forEach((c, i) => {
    if (seen.has(c.category) || c.category === '')
      throw new DomainError('points.rules_invalid', { field: `categories.${i}.category` });
    seen.add(c.category);
  });
  if (next.expiry_policy === 'months_after' && !next.expiry_months)
    throw new DomainError('points.rules_invalid', { field: 'expiry_months' });
  if (next.expiry_policy !== 'months_after') next.expiry_months = null;
  const row = {
    ...next,
    categories: JSON.stringify(next.categories),
    grant_ceilings: JSON.stringify(next.grant_ceilings),
    grant_daily_ceilings: JSON.stringify(next.grant_daily_ceilings),
    updated_at: ctx.now,
  };
  const after = await trx
    .insertInto('points_setting')
    .values({ merchant_id: ctx.merchantId, ...row })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'points.rules',
    entityType: 'points_setting',
    entityId: null,
    before,
    after: next,
  });
  return after;
}

export async function listCampaigns(db: Db | Trx, ctx: Ctx): Promise<PointsCampaignRow[]> {
  return db
    .selectFrom('points_campaign')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('starts_on', 'desc')
    .orderBy('id')
    .execute();
}

/** Campaigns running on any day of [from, to] (local dates). */
export const campaignsBetweenQuery = (db: Db | Trx, ctx: Ctx, from: string, to: string) =>
  db
    .selectFrom('points_campaign')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('starts_on', '<=', to)
    .where('ends_on', '>=', from);

export async function campaignsBetween(
  db: Db | Trx,
  ctx: Ctx,
  from: string,
  to: string,
): Promise<PointsCampaignRow[]> {
  return campaignsBetweenQuery(db, ctx, from, to).execute();
}

export async function createCampaign(
  trx: Trx,
  ctx: Ctx,
  input: CampaignBody,
): Promise<PointsCampaignRow> {
  if (input.ends_on < input.starts_on)
    throw new DomainError('points.dates_invalid', { field: 'ends_on' });
  const campaign = await trx
    .insertInto('points_campaign')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name.trim(),
      multiplier_bp: input.multiplier_bp,
      starts_on: input.starts_on,
      ends_on: input.ends_on,
      categories: input.categories ?? null,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'points.campaign_create',
    entityType: 'points_campaign',
    entityId: campaign.id,
    after: input,
  });
  return campaign;
}

export async function deleteCampaign(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  const removed = assertFound(
    await trx
      .deleteFrom('points_campaign')
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
    'points.campaign_not_found',
  );
  await recordAudit(trx, ctx, {
    action: 'points.campaign_delete',
    entityType: 'points_campaign',
    entityId: id,
    before: removed,
  });
}
