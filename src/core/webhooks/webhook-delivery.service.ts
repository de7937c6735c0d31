import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { assertFound } from '../../lib/errors.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { DeliveryQuery } from './webhook.schema.ts';

/** The delivery log: the outbox's webhook rows with their subscription and last answer. */
const deliveries = (db: Db | Trx, ctx: Ctx) =>
  db
    .selectFrom('outbox_message as o')
    .leftJoin('webhook_subscription as s', (j) =>
      j.onRef('s.merchant_id', '=', 'o.merchant_id').onRef('s.id', '=', 'o.subscription_id'),
    )
    .where('o.merchant_id', '=', ctx.merchantId)
    .where('o.channel', '=', 'webhook')
    .select([
      'o.id',
      'o.subscription_id',
      's.name as subscription_name',
      'o.event_id',
      sql<string | null>`o.payload ->> 'type'`.as('event_type'),
      'o.status',
      'o.attempts',
      sql<number | null>`(select a.status_code from outbox_attempt a
        where a.merchant_id = o.merchant_id and a.message_id = o.id
        order by a.attempt desc, a.created_at desc limit 1)`.as('status_code'),
      'o.last_error',
      'o.next_attempt_at',
      'o.sent_at',
      'o.created_at',
    ]);

/** Newest first, keyset paged; filtered by status, subscription and event type. */
export async function listDeliveries(db: Db, ctx: Ctx, q: DeliveryQuery) {
  const limit = q.limit ?? 50;
  let query = deliveries(db, ctx);
  if (q.status) query = query.where('o.status', '=', q.status);
  if (q.subscription_id) query = query.where('o.subscription_id', '=', q.subscription_id);
  if (q.event_type) query = query.where(sql<boolean>`o.payload ->> 'type' = ${q.event_type}`);
  if (q.cursor) query = query.where(beforeTimeCursor(q.cursor, 'o.created_at', 'o.id'));
  const rows = await query
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(limit + 1)
    .execute();
  return timePage(rows, limit);
}

/** One delivery with the envelope it sends and every attempt, oldest first. */
export async function getDelivery(db: Db | Trx, ctx: Ctx, id: string) {
  const row = assertFound(
    await deliveries(db, ctx).select('o.payload').where('o.id', '=', id).executeTakeFirst(),
    'webhook.delivery_not_found',
  );
  const attempt_log = await db
    .selectFrom('outbox_attempt')
    .select(['id', 'attempt', 'ok', 'status_code', 'error', 'duration_ms', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('message_id', '=', id)
    .orderBy('attempt')
    .orderBy('created_at')
    .execute();
  return { ...row, attempt_log };
}

/**
 * Send a delivery again, with the same Regulars-Delivery id (receivers dedupe on it): back to
 * 'pending', due now; attempts keep counting (a replayed dead row gets one more try) and the log
 * keeps each try. A row already pending, or in a worker's hands (leased), is left alone. Each
 * replay is audited.
 */
export async function replayDelivery(trx: Trx, ctx: Ctx, id: string) {
  const row = assertFound(
    await trx
      .selectFrom('outbox_message')
      .select(['id', 'status', 'locked_until'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .where('channel', '=', 'webhook')
      .forUpdate()
      .executeTakeFirst(),
    'webhook.delivery_not_found',
  );
  const inFlight = row.locked_until !== null && row.locked_until > ctx.now;
  if (row.status !== 'pending' && !inFlight) {
    await trx
      .updateTable('outbox_message')
      .set({ status: 'pending', next_attempt_at: ctx.now, locked_until: null, skip_reason: null })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      action: 'webhook.replay',
      entityType: 'outbox_message',
      entityId: id,
      before: { status: row.status },
      after: { status: 'pending' },
    });
  }
  return getDelivery(trx, ctx, id);
}
