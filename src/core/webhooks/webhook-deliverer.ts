import type { Db, Trx } from '../../db/database.ts';
import { signBody } from '../../lib/signature.ts';
import { ttlCache } from '../../lib/ttl-cache.ts';
import { type Deliverer, httpResult, thrownResult } from '../messaging/deliverer.ts';

export const DELIVERY_TIMEOUT_MS = 5_000;

interface Target {
  url: string;
  secret: string;
  deleted: boolean;
}

// A busy outbox delivers many rows per subscription per second; its URL and secret are read once
// per few seconds per process. A rotated secret or a new URL reaches the other instances within
// the TTL (this process forgets at once).
const targets = ttlCache<Target | null>(5_000);
const keyOf = (merchantId: string, id: string) => `${merchantId}:${id}`;

export const forgetDeliveryTarget = (merchantId: string, id: string) =>
  targets.delete(keyOf(merchantId, id));

const loadTarget = async (db: Db | Trx, merchantId: string, id: string) => {
  const row = await db
    .selectFrom('webhook_subscription')
    .select(['url', 'secret', 'deleted_at'])
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { url: row.url, secret: row.secret, deleted: row.deleted_at !== null } : null;
};

/**
 * JSON with object keys sorted at every level: the body (and so its signature input) depends on
 * the event only, never on how the row's jsonb came back, so a replay sends the same bytes.
 */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The outbox's deliverer for channel 'webhook' (src/core/messaging/deliverer.ts): POSTs the
 * event envelope to the subscription, signed with its secret. Timeouts and refused connections
 * are retried; a deleted subscription is given up.
 */
export const deliverWebhook: Deliverer = async (db, message, now) => {
  const id = message.subscription_id;
  const target = id
    ? await targets.get(keyOf(message.merchant_id, id), () =>
        loadTarget(db, message.merchant_id, id),
      )
    : null;
  if (!target || target.deleted)
    return { ok: false, retryable: false, error: 'the subscription was deleted' };
  const body = stableJson(message.payload);
  const type = (message.payload as { type?: unknown }).type;
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Regulars-Webhooks/1',
        'regulars-signature': signBody(target.secret, body, now),
        'regulars-event': String(type),
        'regulars-delivery': message.id,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    return httpResult(res.status, await res.text());
  } catch (err) {
    // fetch's own error says only "fetch failed"; its cause names the network failure
    return thrownResult(err instanceof Error && err.cause instanceof Error ? err.cause : err);
  }
};
