import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { executeWrites, type WriteSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';

/**
 * What integrators can subscribe to, with what each means. Payloads carry ids and amounts, never
 * a phone number, name or birthday: a receiver that needs them reads the member through the API
 * with its own key and scope, so masking and erasure keep working (docs/webhooks.md).
 */
export const eventCatalogue = {
  'member.created': {
    zh: '新会员注册（门店、接口或导入）',
    en: 'A member registered (till, API or import)',
  },
  'member.merged': { zh: '两个会员合并为一个', en: 'Two members were merged into one' },
  'member.erased': { zh: '会员个人信息已删除', en: 'A member’s personal data was erased' },
  'order.committed': {
    zh: '订单已结账（门店或线上导入）',
    en: 'An order was paid (till or online import)',
  },
  'order.refunded': {
    zh: '订单已退款（全部或部分）',
    en: 'An order was refunded (in whole or in part)',
  },
  'coupon.issued': { zh: '优惠券已发放', en: 'Coupons were issued' },
  'coupon.redeemed': { zh: '优惠券已核销', en: 'A coupon was redeemed' },
  'points.changed': { zh: '积分变动', en: 'A member’s points balance changed' },
  'wallet.changed': { zh: '储值余额变动', en: 'A member’s stored-value balance changed' },
  'tier.changed': { zh: '会员等级变化', en: 'A member’s tier changed' },
  'campaign.launched': { zh: '营销活动已发出', en: 'A marketing campaign was launched' },
  'message.requested': {
    zh: '消息交由集成方发送（消息渠道“Webhook”）',
    en: 'A member message handed to the integrator to send (messaging channel “webhook”)',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type EventType = keyof typeof eventCatalogue;
export const eventTypes = Object.keys(eventCatalogue) as EventType[];
export const isEventType = (value: string): value is EventType => value in eventCatalogue;

/** What a receiver gets: the event, whose `id` stays the same on every delivery and replay. */
export interface EventEnvelope {
  id: string;
  type: EventType | 'webhook.test';
  created_at: string;
  merchant_id: string;
  data: Record<string, unknown>;
}

/**
 * The events of one operation as a part of a `WriteSet` (the checkout commit's one statement):
 * the subscriptions of the caller's merchant that want `type`, the events — written only when at
 * least one subscription wants them, so a merchant without webhooks writes no row — and one
 * outbox row per event and subscription, due now. The delivery id of a row is derived from its
 * event (time-ordered prefix) and subscription, so the statement needs no id per pair.
 */
export function webhookEventWrites(
  ctx: Ctx,
  name: string,
  type: EventType,
  payloads: readonly Record<string, unknown>[],
  /** a jsonb expression over the statement's other CTEs merged into each payload (a balance) */
  computed?: RawBuilder<unknown>,
): WriteSet {
  if (payloads.length === 0) return { ctes: [], results: [] };
  const events = payloads.map((data) => ({ id: newId(), data }));
  const at = ctx.now.toISOString();
  const [subs, input, inserted] = [`${name}_subs`, `${name}_input`, name].map((n) => sql.id(n));
  const ctes: RawBuilder<unknown>[] = [
    sql`${subs} as (
      select id from webhook_subscription
      where merchant_id = ${ctx.merchantId} and active and deleted_at is null
        and ${type}::text = any (event_types))`,
    sql`${input} as (
      select (e ->> 'id')::uuid as id, e -> 'data' as data
      from jsonb_array_elements(${JSON.stringify(events)}::jsonb) e)`,
    sql`${inserted} as (
      insert into webhook_event (merchant_id, id, type, payload, created_at)
      select ${ctx.merchantId}, id, ${type}, data || ${computed ?? sql`'{}'::jsonb`}, ${ctx.now}
      from ${input}
      where exists (select 1 from ${subs})
      returning id, payload)`,
    sql`${sql.id(`${name}_outbox`)} as (
      insert into outbox_message (merchant_id, id, channel, purpose, payload, subscription_id,
        event_id, dedupe_key, next_attempt_at, created_at)
      select ${ctx.merchantId},
        (left(replace(e.id::text, '-', ''), 12) || substr(md5(e.id::text || s.id::text), 13))::uuid,
        'webhook', 'service',
        jsonb_build_object('id', e.id, 'type', ${type}::text, 'created_at', ${at}::text,
          'merchant_id', ${ctx.merchantId}::text, 'data', e.payload),
        s.id, e.id, 'webhook:' || e.id || ':' || s.id, ${ctx.now}, ${ctx.now}
      from ${inserted} e cross join ${subs} s
      on conflict (merchant_id, dedupe_key) do nothing)`,
  ];
  return { ctes, results: [] };
}

/** One event of `type`, in the caller's transaction: delivered only if the operation commits. */
export async function emitEvent(
  trx: Trx,
  ctx: Ctx,
  type: EventType,
  payload: Record<string, unknown>,
): Promise<void> {
  await executeWrites(trx, webhookEventWrites(ctx, 'webhook_event_new', type, [payload]));
}

/**
 * Many events of one type (bulk issues, imports, campaign launches). A merchant without a
 * subscription to `type` pays one indexed read and sends no payload at all.
 */
export async function emitEvents(
  trx: Trx,
  ctx: Ctx,
  type: EventType,
  payloads: readonly Record<string, unknown>[],
): Promise<void> {
  if (payloads.length === 0) return;
  if (payloads.length > 1 && !(await anySubscription(trx, ctx, type))) return;
  await executeWrites(trx, webhookEventWrites(ctx, 'webhook_event_new', type, payloads));
}

async function anySubscription(trx: Trx, ctx: Ctx, type: EventType): Promise<boolean> {
  const row = await trx
    .selectFrom('webhook_subscription')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('active', '=', true)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`${type}::text = any (event_types)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
