import type { FastifyReply, FastifyRequest } from 'fastify';
import { type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../db/connect.ts';
import type { Db, Trx } from '../db/database.ts';
import type { IdempotencyClaim } from '../db/idempotency-claim.ts';
import { isSerializationFailure } from '../db/pg-errors.ts';
import { DomainError } from '../lib/errors.ts';
import { sha256 } from '../lib/ids.ts';

/** One business operation, one transaction; a deadlock or serialization failure is retried once. */
export async function inTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(fn);
  } catch (e) {
    if (!isSerializationFailure(e)) throw e;
    return db.transaction().execute(fn);
  }
}

const requestHashOf = (request: FastifyRequest) =>
  sha256(`${request.method} ${request.url} ${JSON.stringify(request.body ?? null)}`);

const idempotencyKeyOf = (request: FastifyRequest) => {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw new DomainError('idempotency.key_required', { field: 'Idempotency-Key' });
  }
  return key;
};

/**
 * The stored answer of a finished request with this Idempotency-Key, read before anything
 * else is checked: a retry of a paid payment gets its answer even after the member code
 * expired or the password locked. `undefined` when there is none yet (or it is in flight).
 */
export async function findReplay<T>(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ response: T } | undefined> {
  const key = idempotencyKeyOf(request);
  const prior = await db
    .selectFrom('idempotency_key')
    .select(['request_hash', 'status_code', 'response'])
    .where('merchant_id', '=', request.ctx.merchantId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!prior || prior.status_code === null) return undefined;
  if (prior.request_hash !== requestHashOf(request))
    throw new DomainError('idempotency.key_reused', { field: 'Idempotency-Key' });
  reply.header('idempotent-replayed', 'true').code(prior.status_code);
  return { response: prior.response as T };
}

/**
 * A value-moving POST: the Idempotency-Key, a hash of the request and the response are written
 * in the operation's own transaction. A retry gets the stored response; a concurrent duplicate
 * waits on the key's row lock and then gets it too; the same key with another body is refused.
 * `lock` (a `select … for update`) locks the operation's rows in the claim's statement, only
 * once the key is ours: one round trip less on a hot path.
 */
export async function idempotent<T>(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  fn: (trx: Trx, claim: IdempotencyClaim) => Promise<T>,
  lock?: RawBuilder<unknown>,
): Promise<T> {
  const key = idempotencyKeyOf(request);
  const { merchantId } = request.ctx;
  const requestHash = requestHashOf(request);
  return inTransaction(db, async (trx) => {
    const insert = trx
      .insertInto('idempotency_key')
      .values({
        merchant_id: merchantId,
        key,
        request_hash: requestHash,
        status_code: null,
        response: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('key');
    const { rows } = await sql<{ key: string }>`
      ${PREPARED} with claimed as (${insert})
      select key${lock ? sql`, (select count(*) from (${lock}) l) as locked` : sql``}
      from claimed`.execute(trx);
    if (rows.length === 0) {
      const prior = await trx
        .selectFrom('idempotency_key')
        .select(['request_hash', 'status_code', 'response'])
        .where('merchant_id', '=', merchantId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (prior.request_hash !== requestHash)
        throw new DomainError('idempotency.key_reused', { field: 'Idempotency-Key' });
      reply.header('idempotent-replayed', 'true').code(prior.status_code ?? status);
      return prior.response as T;
    }
    const claim = { merchantId, key, status, locked: lock !== undefined, stored: false };
    const result = await fn(trx, claim);
    if (!claim.stored)
      await trx
        .updateTable('idempotency_key')
        .set({ status_code: status, response: JSON.stringify(result) })
        .where('merchant_id', '=', merchantId)
        .where('key', '=', key)
        .execute();
    reply.code(status);
    return result;
  });
}
