import { afterEach, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createTestMerchant } from '../../../test/factories.ts';
import { type LoopbackSink, startLoopbackSink } from '../../../test/loopback-sink.ts';
import type { Db } from '../../db/database.ts';
import { verifySignature } from '../../lib/signature.ts';
import type { Ctx } from '../context.ts';
import { deliverWebhook, stableJson } from './webhook-deliverer.ts';
import { emitEvent } from './webhook-event.service.ts';
import {
  createSubscription,
  deleteSubscription,
  rotateSecret,
} from './webhook-subscription.service.ts';

let sink: LoopbackSink | undefined;
afterEach(() => sink?.close());

/** A subscription to member.created at `url`, one event emitted, and its outbox row. */
async function queued(db: Db, ctx: Ctx, url: string) {
  const sub = await db
    .transaction()
    .execute((trx) =>
      createSubscription(trx, ctx, { name: 'ERP', url, event_types: ['member.created'] }),
    );
  await db
    .transaction()
    .execute((trx) =>
      emitEvent(trx, ctx, 'member.created', { member_id: 'm1', zeta: 1, alpha: { b: 2, a: 1 } }),
    );
  const row = await db
    .selectFrom('outbox_message')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('subscription_id', '=', sub.id)
    .executeTakeFirstOrThrow();
  return { sub, row };
}

describe('deliverWebhook', () => {
  it('POSTs the envelope signed with the subscription secret, with event and delivery ids', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    sink = await startLoopbackSink();
    const { sub, row } = await queued(db, m.ctx(), `${sink.url}/hooks`);
    const now = new Date();
    expect(await deliverWebhook(db, row, now)).toEqual({
      ok: true,
      retryable: false,
      status_code: 200,
    });
    const [req] = sink.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/hooks' });
    expect(req!.headers['regulars-event']).toBe('member.created');
    expect(req!.headers['regulars-delivery']).toBe(row.id);
    expect(req!.body).toBe(stableJson(row.payload));
    expect(JSON.parse(req!.body)).toEqual(row.payload);
    const signature = String(req!.headers['regulars-signature']);
    expect(verifySignature(sub.secret, signature, req!.body, now)).toBe(true);
    const tampered = req!.body.replace('"m1"', '"m2"');
    expect(tampered).not.toBe(req!.body);
    expect(verifySignature(sub.secret, signature, tampered, now)).toBe(false);
    expect(verifySignature('whsec_other', signature, req!.body, now)).toBe(false);
  });

  it('retries 5xx, 408, 429 and a refused connection; gives up other 4xx', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const statuses = [500, 503, 408, 429, 404, 400, 410];
    sink = await startLoopbackSink({ respond: (_req, i) => ({ status: statuses[i] }) });
    const { row } = await queued(db, m.ctx(), sink.url);
    const results = [];
    for (const _ of statuses) results.push(await deliverWebhook(db, row, new Date()));
    expect(results.map((r) => [r.status_code, r.retryable, r.ok])).toEqual([
      [500, true, false],
      [503, true, false],
      [408, true, false],
      [429, true, false],
      [404, false, false],
      [400, false, false],
      [410, false, false],
    ]);
    await sink.close();
    sink = undefined;
    // the first try may meet the pooled connection the sink just closed; the next is refused
    const closed = await deliverWebhook(db, row, new Date());
    expect(closed).toMatchObject({ ok: false, retryable: true });
    const down = await deliverWebhook(db, row, new Date());
    expect(down).toMatchObject({ ok: false, retryable: true });
    expect(down.error).toContain('ECONNREFUSED');
  });

  it('signs with a rotated secret at once; gives up deliveries of a deleted subscription', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    sink = await startLoopbackSink();
    const { sub, row } = await queued(db, m.ctx(), sink.url);
    await deliverWebhook(db, row, new Date());
    const rotated = await db.transaction().execute((trx) => rotateSecret(trx, m.ctx(), sub.id));
    expect(rotated.secret).not.toBe(sub.secret);
    const now = new Date();
    await deliverWebhook(db, row, now);
    const second = sink.requests[1]!;
    const header = String(second.headers['regulars-signature']);
    expect(verifySignature(rotated.secret, header, second.body, now)).toBe(true);
    expect(second.headers['regulars-delivery']).toBe(
      sink.requests[0]!.headers['regulars-delivery'],
    );
    await db.transaction().execute((trx) => deleteSubscription(trx, m.ctx(), sub.id));
    expect(await deliverWebhook(db, row, new Date())).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(sink.requests).toHaveLength(2);
  });
});
