import { timingSafeEqual } from 'node:crypto';
import type { Db, Trx } from '../../db/database.ts';
import { assertFound } from '../../lib/errors.ts';
import { newId, randomToken, sha256 } from '../../lib/ids.ts';
import { verifySecret } from '../../lib/secrets.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { Permission } from './permissions.ts';
import type { ApiKeyRow } from './tenancy.table.ts';

export type PublicApiKey = Omit<ApiKeyRow, 'secret_hash'>;

const publicColumns = [
  'merchant_id',
  'id',
  'name',
  'prefix',
  'scopes',
  'created_by',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

/**
 * Creates a key `rk_<prefix>_<secret>`; the whole key is returned once and stored only as its
 * SHA-256. The secret is 24 random bytes, so its hash cannot be guessed or reversed: a slow
 * password hash would add nothing but one argon2 run per junk request.
 */
export async function createApiKey(
  trx: Trx,
  ctx: Ctx,
  input: { name: string; scopes: Permission[] },
): Promise<{ key: string; api_key: PublicApiKey }> {
  const prefix = randomToken(6).replace(/[-_]/g, 'x');
  const key = `rk_${prefix}_${randomToken(24)}`;
  const apiKey = await trx
    .insertInto('api_key')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name,
      prefix,
      secret_hash: sha256(key),
      scopes: [...new Set(input.scopes)],
      created_by: ctx.actor.id ?? '00000000-0000-0000-0000-000000000000',
      created_at: ctx.now,
      last_used_at: null,
      revoked_at: null,
    })
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'api_key.create',
    entityType: 'api_key',
    entityId: apiKey.id,
    after: { name: apiKey.name, scopes: apiKey.scopes },
  });
  return { key, api_key: apiKey };
}

export async function listApiKeys(db: Db, ctx: Ctx): Promise<PublicApiKey[]> {
  return db
    .selectFrom('api_key')
    .select(publicColumns)
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiKey(trx: Trx, ctx: Ctx, id: string): Promise<PublicApiKey> {
  const revoked = assertFound(
    await trx
      .updateTable('api_key')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(ctx.now)) }))
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .returning(publicColumns)
      .executeTakeFirst(),
    'api_key.not_found',
  );
  await recordAudit(trx, ctx, { action: 'api_key.revoke', entityType: 'api_key', entityId: id });
  return revoked;
}

/** `last_used_at` is written at most this often: a busy POS key costs one update a minute. */
const LAST_USED_EVERY_MS = 60_000;

export async function authenticateApiKey(db: Db, key: string, now: Date) {
  const prefix = /^rk_([A-Za-z0-9]+)_[A-Za-z0-9_-]+$/.exec(key)?.[1];
  if (!prefix) return undefined;
  const row = await db
    .selectFrom('api_key')
    .select(['merchant_id', 'id', 'scopes', 'secret_hash', 'last_used_at'])
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !(await keyMatches(db, row, key))) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_EVERY_MS) {
    await db
      .updateTable('api_key')
      .set({ last_used_at: now })
      .where('merchant_id', '=', row.merchant_id)
      .where('id', '=', row.id)
      .execute();
  }
  return { merchantId: row.merchant_id, id: row.id, scopes: row.scopes };
}

async function keyMatches(
  db: Db,
  row: { merchant_id: string; id: string; secret_hash: string },
  key: string,
): Promise<boolean> {
  const digest = sha256(key);
  if (!row.secret_hash.startsWith('$argon2')) {
    const stored = Buffer.from(row.secret_hash);
    return stored.length === digest.length && timingSafeEqual(stored, Buffer.from(digest));
  }
  // Keys created before December 2026 were stored as argon2id: such a key is verified the slow
  // way once, on its next use, and stored as its SHA-256 from then on.
  if (!(await verifySecret(row.secret_hash, key))) return false;
  await db
    .updateTable('api_key')
    .set({ secret_hash: digest })
    .where('merchant_id', '=', row.merchant_id)
    .where('id', '=', row.id)
    .execute();
  return true;
}
