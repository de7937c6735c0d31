import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import type { WebhookSubscriptionRow } from './webhook.table.ts';
import { forgetDeliveryTarget } from './webhook-deliverer.ts';
import { type EventEnvelope, isEventType } from './webhook-event.service.ts';

export interface SubscriptionInput {
  name: string;
  url: string;
  event_types: string[];
  active?: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * An endpoint we may POST to: https anywhere, plain http only to this machine (a receiver under
 * development, a local relay) — an event carries member ids and amounts, which must not cross a
 * network in clear. No credentials in the URL (they would show in the console and in logs).
 */
export function validateWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('webhook.url_invalid', { field: 'url' });
  }
  const plainLocal = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
  if ((url.protocol !== 'https:' && !plainLocal) || url.username || url.password || url.hash)
    throw new DomainError('webhook.url_invalid', { field: 'url' });
  return url.toString();
}

function validateEventTypes(types: readonly string[]): string[] {
  const unknown = types.find((t) => !isEventType(t));
  if (unknown !== undefined || types.length === 0)
    throw new DomainError('webhook.event_type_unknown', {
      field: 'event_types',
      params: { type: unknown ?? '' },
    });
  return [...new Set(types)].sort();
}

const newSecret = () => `whsec_${randomToken(32)}`;

/** A subscription as the API shows it: never its secret. */
export const presentSubscription = ({
  merchant_id: _m,
  secret: _s,
  ...s
}: WebhookSubscriptionRow) => s;

export async function createSubscription(trx: Trx, ctx: Ctx, input: SubscriptionInput) {
  const row = await trx
    .insertInto('webhook_subscription')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name,
      url: validateWebhookUrl(input.url),
      secret: newSecret(),
      event_types: validateEventTypes(input.event_types),
      active: input.active ?? true,
      created_at: ctx.now,
      updated_at: ctx.now,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const shown = presentSubscription(row);
  await recordAudit(trx, ctx, {
    action: 'webhook.create',
    entityType: 'webhook_subscription',
    entityId: row.id,
    after: shown,
  });
  return { ...shown, secret: row.secret };
}

export async function listSubscriptions(db: Db | Trx, ctx: Ctx) {
  const rows = await db
    .selectFrom('webhook_subscription')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentSubscription);
}

/** A live (not deleted) subscription of the caller's merchant, or 404. */
async function lockLive(trx: Trx, ctx: Ctx, id: string) {
  const row = await lockOwnRow(trx, ctx, 'webhook_subscription', id, 'webhook.not_found');
  if (row.deleted_at) throw new DomainError('webhook.not_found');
  return row;
}

export async function getSubscription(db: Db | Trx, ctx: Ctx, id: string) {
  const row = await getOwnRow(db, ctx, 'webhook_subscription', id, 'webhook.not_found');
  if (row.deleted_at) throw new DomainError('webhook.not_found');
  return presentSubscription(row);
}

export async function updateSubscription(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: Partial<SubscriptionInput>,
) {
  const before = presentSubscription(await lockLive(trx, ctx, id));
  const row = await trx
    .updateTable('webhook_subscription')
    .set({
      ...pickDefined(patch, { name: true, active: true, url: false, event_types: false }),
      ...(patch.url === undefined ? {} : { url: validateWebhookUrl(patch.url) }),
      ...(patch.event_types === undefined
        ? {}
        : { event_types: validateEventTypes(patch.event_types) }),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = presentSubscription(row);
  forgetDeliveryTarget(ctx.merchantId, id);
  await recordAudit(trx, ctx, {
    action: 'webhook.update',
    entityType: 'webhook_subscription',
    entityId: id,
    before,
    after,
  });
  return after;
}

/**
 * A deleted subscription gets no new events and its queued deliveries are given up; the row
 * stays (hidden) so the delivery log still names it.
 */
export async function deleteSubscription(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  await lockLive(trx, ctx, id);
  await trx
    .updateTable('webhook_subscription')
    .set({ deleted_at: ctx.now, active: false, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  forgetDeliveryTarget(ctx.merchantId, id);
  await recordAudit(trx, ctx, {
    action: 'webhook.delete',
    entityType: 'webhook_subscription',
    entityId: id,
  });
}

/** A new secret, shown this once; deliveries signed from now on use it. */
export async function rotateSecret(trx: Trx, ctx: Ctx, id: string) {
  await lockLive(trx, ctx, id);
  const row = await trx
    .updateTable('webhook_subscription')
    .set({ secret: newSecret(), updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  forgetDeliveryTarget(ctx.merchantId, id);
  await recordAudit(trx, ctx, {
    action: 'webhook.rotate_secret',
    entityType: 'webhook_subscription',
    entityId: id,
  });
  return { ...presentSubscription(row), secret: row.secret };
}

/**
 * A `webhook.test` event to this subscription only (paused ones too: a test is how an owner
 * checks an endpoint before switching it on), delivered like any other.
 */
export async function sendTestEvent(trx: Trx, ctx: Ctx, id: string) {
  await lockLive(trx, ctx, id);
  const eventId = newId();
  const envelope: EventEnvelope = {
    id: eventId,
    type: 'webhook.test',
    created_at: ctx.now.toISOString(),
    merchant_id: ctx.merchantId,
    data: { subscription_id: id },
  };
  await trx
    .insertInto('webhook_event')
    .values({
      merchant_id: ctx.merchantId,
      id: eventId,
      type: envelope.type,
      payload: JSON.stringify(envelope.data),
      created_at: ctx.now,
    })
    .execute();
  const delivery = await trx
    .insertInto('outbox_message')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      channel: 'webhook',
      purpose: 'service',
      member_id: null,
      address: null,
      template: null,
      payload: JSON.stringify(envelope),
      subscription_id: id,
      event_id: eventId,
      dedupe_key: `webhook:${eventId}:${id}`,
      skip_reason: null,
      next_attempt_at: ctx.now,
      locked_until: null,
      last_error: null,
      sent_at: null,
      created_at: ctx.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { event_id: eventId, delivery_id: delivery.id };
}
