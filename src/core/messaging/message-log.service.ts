import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { Channel, OutboxMessageRow, OutboxStatus } from './outbox.table.ts';

export interface MessageLogQuery {
  status?: OutboxStatus;
  channel?: Channel;
  member_id?: string;
  cursor?: string;
  limit?: number;
}

const COLUMNS = [
  'id',
  'channel',
  'purpose',
  'member_id',
  'address',
  'template',
  'payload',
  'dedupe_key',
  'status',
  'skip_reason',
  'attempts',
  'next_attempt_at',
  'last_error',
  'sent_at',
  'created_at',
] as const;

type Listed = Pick<OutboxMessageRow, (typeof COLUMNS)[number]>;

/**
 * A message as staff see it: an SMS number as `phone` (masked without members.pii by the HTTP
 * layer), other addresses as `address`; a one-time code's text is never shown (staff could sign
 * in as the member with it).
 */
export function presentMessage(row: Listed) {
  const { payload, address, ...rest } = row;
  const text = (payload ?? {}) as { title?: string; body?: string };
  const secret = row.template === 'otp';
  return {
    ...rest,
    phone: row.channel === 'sms' ? address : null,
    address: row.channel === 'sms' ? null : address,
    title: text.title ?? null,
    body: secret ? '••••••' : (text.body ?? null),
  };
}

/** The delivery log of member messages (webhook deliveries have their own), newest first. */
export async function listMessages(db: Db | Trx, ctx: Ctx, q: MessageLogQuery) {
  const limit = q.limit ?? 50;
  let query = db
    .selectFrom('outbox_message')
    .select(COLUMNS)
    .where('merchant_id', '=', ctx.merchantId)
    .where('subscription_id', 'is', null);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.channel) query = query.where('channel', '=', q.channel);
  if (q.member_id) query = query.where('member_id', '=', q.member_id);
  if (q.cursor) query = query.where(beforeTimeCursor(q.cursor));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = timePage(rows, limit);
  return { items: page.items.map(presentMessage), next_cursor: page.next_cursor };
}

const findMessage = (db: Db | Trx, ctx: Ctx, id: string) =>
  db
    .selectFrom('outbox_message')
    .select(COLUMNS)
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .where('subscription_id', 'is', null)
    .executeTakeFirst();

/** One message and every try, oldest first. */
export async function getMessage(db: Db | Trx, ctx: Ctx, id: string) {
  const row = assertFound(await findMessage(db, ctx, id), 'message.not_found');
  const attempt_log = await db
    .selectFrom('outbox_attempt')
    .select(['id', 'attempt', 'ok', 'status_code', 'error', 'duration_ms', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('message_id', '=', id)
    .orderBy('attempt')
    .execute();
  return { ...presentMessage(row), attempt_log };
}

/**
 * A dead message gets one more try: back to 'pending', due now (attempts keep counting, as a
 * webhook replay's do; the log keeps every try). Idempotent: a message
 * already pending or retrying is left as it is; a sent or skipped one cannot be retried.
 */
export async function retryMessage(trx: Trx, ctx: Ctx, id: string) {
  const row = assertFound(
    await trx
      .selectFrom('outbox_message')
      .select(['id', 'status'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .where('subscription_id', 'is', null)
      .forUpdate()
      .executeTakeFirst(),
    'message.not_found',
  );
  if (row.status === 'sent' || row.status === 'skipped')
    throw new DomainError('message.not_retryable');
  if (row.status === 'dead') {
    await trx
      .updateTable('outbox_message')
      .set({ status: 'pending', next_attempt_at: ctx.now, locked_until: null })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      action: 'message.retry',
      entityType: 'outbox_message',
      entityId: id,
    });
  }
  return getMessage(trx, ctx, id);
}

/** The member's inbox and message history, newest first, for the 360° page. */
export async function memberMessages(db: Db | Trx, ctx: Ctx, memberId: string) {
  const inbox = await db
    .selectFrom('member_message')
    .select(['id', 'purpose', 'title', 'body', 'ref_type', 'ref_id', 'read_at', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  const history = await listMessages(db, ctx, { member_id: memberId, limit: 50 });
  return { inbox, history: history.items };
}
