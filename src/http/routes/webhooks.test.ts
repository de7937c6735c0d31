import { afterEach, describe, expect, it } from 'vitest';
import {
  auth,
  createTestMerchant,
  postWithKey,
  testApp,
  uniquePhone,
} from '../../../test/factories.ts';
import { type LoopbackSink, startLoopbackSink } from '../../../test/loopback-sink.ts';
import { drainOutbox } from '../../core/messaging/outbox-delivery.service.ts';
import { deliverWebhook } from '../../core/webhooks/webhook-deliverer.ts';
import { verifySignature } from '../../lib/signature.ts';

let sink: LoopbackSink | undefined;
afterEach(() => sink?.close());

const drain = (db: Parameters<typeof drainOutbox>[0]) =>
  drainOutbox(db, { deliverers: { webhook: deliverWebhook }, maxBatches: 5 });

async function world(url = 'https://erp.example.com/hook', event_types = ['member.created']) {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const owner = auth(m.tokens.owner);
  const res = await app.inject({
    method: 'POST',
    url: '/api/webhooks/subscriptions',
    headers: owner,
    payload: { name: 'ERP', url, event_types },
  });
  expect(res.statusCode).toBe(201);
  return { app, db, m, owner, sub: res.json() };
}

const deliveriesOf = (db: Awaited<ReturnType<typeof testApp>>['db'], merchantId: string) =>
  db
    .selectFrom('outbox_message')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('channel', '=', 'webhook')
    .execute();

describe('webhook subscriptions', () => {
  it('shows the secret at creation only; owner only', async () => {
    const { app, db, m, owner, sub } = await world();
    expect(sub.secret).toMatch(/^whsec_/);
    const row = await db
      .selectFrom('webhook_subscription')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ secret: sub.secret, event_types: ['member.created'] });
    const list = await app.inject({ url: '/api/webhooks/subscriptions', headers: owner });
    expect(list.json()).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    const one = await app.inject({ url: `/api/webhooks/subscriptions/${sub.id}`, headers: owner });
    expect(one.json().secret).toBeUndefined();
    const manager = await app.inject({
      url: '/api/webhooks/subscriptions',
      headers: auth(m.tokens.manager),
    });
    expect(manager.statusCode).toBe(403);
    const rotated = await app.inject({
      method: 'POST',
      url: `/api/webhooks/subscriptions/${sub.id}/rotate-secret`,
      headers: owner,
    });
    expect(rotated.json().secret).not.toBe(sub.secret);
  });

  it('refuses a URL in clear to another host, credentials and unknown event types', async () => {
    const { app, db, m, owner } = await world();
    const bad = [
      ['http://erp.example.com/hook', 'webhook.url_invalid', 'url'],
      ['https://user:pw@erp.example.com/hook', 'webhook.url_invalid', 'url'],
      ['not a url', 'webhook.url_invalid', 'url'],
    ];
    for (const [url, code, field] of bad) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/webhooks/subscriptions',
        headers: owner,
        payload: { name: 'x', url, event_types: ['member.created'] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code, field });
    }
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/webhooks/subscriptions',
      headers: owner,
      payload: { name: 'x', url: 'https://a.example.com', event_types: ['member.deleted'] },
    });
    expect(unknown.statusCode).toBe(400);
    const local = await app.inject({
      method: 'POST',
      url: '/api/webhooks/subscriptions',
      headers: owner,
      payload: { name: 'dev', url: 'http://127.0.0.1:9/hook', event_types: ['member.created'] },
    });
    expect(local.statusCode).toBe(201);
    const count = await db
      .selectFrom('webhook_subscription')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });
});

describe('webhook deliveries', () => {
  it('a member created through the API reaches the sink signed; a replay sends the same delivery id', async () => {
    sink = await startLoopbackSink({ keyOf: (r) => String(r.headers['regulars-delivery']) });
    const { app, db, m, owner, sub } = await world(`${sink.url}/in`, [
      'member.created',
      'order.committed',
    ]);
    const created = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: owner,
      payload: { phone: uniquePhone() },
    });
    expect(created.statusCode).toBe(201);
    const [row] = await deliveriesOf(db, m.merchantId);
    expect(row?.payload).toMatchObject({
      type: 'member.created',
      data: { member_id: created.json().id },
    });
    await drain(db);
    expect(sink.requests).toHaveLength(1);
    const first = sink.requests[0]!;
    expect(first.headers['regulars-delivery']).toBe(row!.id);
    expect(
      verifySignature(
        sub.secret,
        String(first.headers['regulars-signature']),
        first.body,
        new Date(),
      ),
    ).toBe(true);
    expect(first.body).not.toContain(created.json().phone);

    const log = await app.inject({ url: '/api/webhooks/deliveries', headers: owner });
    expect(log.json().items).toEqual([
      expect.objectContaining({
        id: row!.id,
        status: 'sent',
        status_code: 200,
        attempts: 1,
        event_type: 'member.created',
        subscription_name: 'ERP',
      }),
    ]);
    const replay = await app.inject({
      method: 'POST',
      url: `/api/webhooks/deliveries/${row!.id}/replay`,
      headers: owner,
    });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ status: 'pending', attempts: 1 });
    // a second replay of a pending row changes nothing
    await app.inject({
      method: 'POST',
      url: `/api/webhooks/deliveries/${row!.id}/replay`,
      headers: owner,
    });
    await drain(db);
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]!.headers['regulars-delivery']).toBe(row!.id);
    expect(sink.requests[1]!.body).toBe(first.body);
    expect(sink.duplicates()).toBe(1);
    const detail = await app.inject({
      url: `/api/webhooks/deliveries/${row!.id}`,
      headers: owner,
    });
    expect(detail.json()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(detail.json().attempt_log.map((a: { ok: boolean }) => a.ok)).toEqual([true, true]);
    const audits = await db
      .selectFrom('audit_log')
      .select('action')
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'webhook.replay')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('an endpoint that is down does not fail or slow the checkout; delivery follows once it is up', async () => {
    const down = await startLoopbackSink();
    const downUrl = down.url;
    await down.close();
    const { app, db, m, owner, sub } = await world(downUrl, ['order.committed']);
    const store = await postWithKey(app, m.tokens.owner, '/api/stores', {
      name: '一号店',
      code: 'S1',
    });
    const started = Date.now();
    const order = await postWithKey(app, m.tokens.owner, '/api/orders', {
      store_id: store.json().id,
      lines: [{ name: 'Tea', category: 'drinks', unit_price_fen: 100, quantity: 1 }],
      tenders: [{ method: 'cash', amount_fen: 100 }],
    });
    expect(order.statusCode).toBe(201);
    expect(Date.now() - started).toBeLessThan(2_000);
    const [row] = await deliveriesOf(db, m.merchantId);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row!.payload).toMatchObject({
      type: 'order.committed',
      data: { order_id: order.json().id, due_fen: 100 },
    });
    await drain(db);
    const [failed] = await deliveriesOf(db, m.merchantId);
    expect(failed).toMatchObject({ status: 'retrying', attempts: 1 });

    sink = await startLoopbackSink();
    const moved = await app.inject({
      method: 'PATCH',
      url: `/api/webhooks/subscriptions/${sub.id}`,
      headers: owner,
      payload: { url: sink.url },
    });
    expect(moved.statusCode).toBe(200);
    await app.inject({
      method: 'POST',
      url: `/api/webhooks/deliveries/${row!.id}/replay`,
      headers: owner,
    });
    await drain(db);
    expect(sink.requests.map((r) => r.headers['regulars-delivery'])).toEqual([row!.id]);
    const [sent] = await deliveriesOf(db, m.merchantId);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('another merchant’s deliveries and subscriptions are 404', async () => {
    const a = await world();
    const { app, db } = a;
    const b = await createTestMerchant(db);
    const test = await app.inject({
      method: 'POST',
      url: `/api/webhooks/subscriptions/${a.sub.id}/test`,
      headers: a.owner,
    });
    const delivery = test.json().delivery_id;
    const other = auth(b.tokens.owner);
    for (const [method, url] of [
      ['GET', `/api/webhooks/subscriptions/${a.sub.id}`],
      ['POST', `/api/webhooks/subscriptions/${a.sub.id}/rotate-secret`],
      ['GET', `/api/webhooks/deliveries/${delivery}`],
      ['POST', `/api/webhooks/deliveries/${delivery}/replay`],
    ] as const) {
      expect((await app.inject({ method, url, headers: other })).statusCode).toBe(404);
    }
    const list = await app.inject({ url: '/api/webhooks/deliveries', headers: other });
    expect(list.json().items).toEqual([]);
  });
});
