import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { isValidTimeZone } from '../../lib/time.ts';
import { ttlCache } from '../../lib/ttl-cache.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { addStaff } from './staff.service.ts';
import { systemCtx } from './system-ctx.ts';
import type { MerchantRow } from './tenancy.table.ts';

export interface CreateMerchantInput {
  name: string;
  time_zone?: string;
  currency?: string;
  card_prefix?: string;
  allow_foreign_phone?: boolean;
  owner: { login: string; display_name: string; password: string };
}

/** A merchant is born with its owner account, in one transaction. */
export async function createMerchant(
  trx: Trx,
  input: CreateMerchantInput,
  now: Date,
): Promise<{ merchant: MerchantRow; ownerId: string }> {
  const timeZone = input.time_zone ?? 'Asia/Shanghai';
  if (!isValidTimeZone(timeZone)) {
    throw new DomainError('merchant.time_zone_invalid', { field: 'time_zone' });
  }
  const merchant = await trx
    .insertInto('merchant')
    .values({
      id: newId(),
      name: input.name,
      time_zone: timeZone,
      currency: input.currency ?? 'CNY',
      card_prefix: input.card_prefix ?? '8800',
      allow_foreign_phone: input.allow_foreign_phone ?? false,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const ctx = systemCtx(merchant.id, now);
  const owner = await addStaff(trx, ctx, { ...input.owner, role: 'owner' });
  return { merchant, ownerId: owner.id };
}

// Merchant settings are read by most requests and change rarely: cached for 30 s per process.
const merchants = ttlCache<MerchantRow | undefined>(30_000);

export async function getMerchant(db: Db | Trx, ctx: Ctx): Promise<MerchantRow> {
  const merchant = await merchants.get(ctx.merchantId, () =>
    db.selectFrom('merchant').selectAll().where('id', '=', ctx.merchantId).executeTakeFirst(),
  );
  return assertFound(merchant, 'merchant.not_found');
}

export interface UpdateMerchantInput {
  name?: string;
  time_zone?: string;
  card_prefix?: string;
  allow_foreign_phone?: boolean;
  /** null removes the merchant's default cap */
  campaign_cap?: { max: number; days: number } | null;
}

export async function updateMerchant(
  trx: Trx,
  ctx: Ctx,
  input: UpdateMerchantInput,
): Promise<MerchantRow> {
  if (input.time_zone !== undefined && !isValidTimeZone(input.time_zone)) {
    throw new DomainError('merchant.time_zone_invalid', { field: 'time_zone' });
  }
  const patch = {
    ...pickDefined(input, {
      name: true,
      time_zone: true,
      card_prefix: true,
      allow_foreign_phone: true,
      campaign_cap: false,
    }),
    ...(input.campaign_cap === undefined
      ? {}
      : {
          campaign_cap_max: input.campaign_cap?.max ?? null,
          campaign_cap_days: input.campaign_cap?.days ?? null,
        }),
  };
  const before = await getMerchant(trx, ctx);
  const after = await trx
    .updateTable('merchant')
    .set(patch)
    .where('id', '=', ctx.merchantId)
    .returningAll()
    .executeTakeFirstOrThrow();
  merchants.delete(ctx.merchantId);
  const changed = Object.keys(patch) as (keyof typeof patch)[];
  await recordAudit(trx, ctx, {
    action: 'merchant.update',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  });
  return after;
}
