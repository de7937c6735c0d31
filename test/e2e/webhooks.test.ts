import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../../src/core/messaging/outbox-delivery.service.ts';
import { deliverWebhook } from '../../src/core/webhooks/webhook-deliverer.ts';
import { verifySignature } from '../../src/lib/signature.ts';
import {
  auth,
  createTestMerchant,
  PASSWORD,
  type TestMerchant,
  uniquePhone,
} from '../factories.ts';
import { type LoopbackSink, startLoopbackSink } from '../loopback-sink.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 10 items 4 and 5 in a browser: an owner subscribes a sink, sees a delivery, replays it. */
describe('webhooks in a browser', () => {
  let c: Console;
  let m: TestMerchant;
  let sink: LoopbackSink;
  const drain = () => drainOutbox(c.db, { deliverers: { webhook: deliverWebhook }, maxBatches: 3 });

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    sink = await startLoopbackSink({ keyOf: (r) => String(r.headers['regulars-delivery']) });
  });
  afterAll(async () => {
    await sink?.close();
    await c?.close();
  });

  it('subscribes a sink, delivers a new member signed, and replays it with the same delivery id', async () => {
    const { page, pageErrors: errors } = c;
    await logIn(page, m.logins.owner, PASSWORD);
    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '开放接口 Webhook' }).click();
    await page.waitForURL('**/webhooks');

    await page.getByTestId('webhook-create').click();
    await page.getByTestId('webhook-name').fill('ERP');
    await page.getByTestId('webhook-url').fill(`${sink.url}/hooks`);
    await page.getByTestId('webhook-events').click();
    await page.getByTitle(/^member\.created/).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^(OK|确 ?定)$/ }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    await c.screenshot('webhooks-secret');
    await page
      .getByRole('button', { name: /^(关 ?闭|Close)$/ })
      .last()
      .click();
    await page.getByRole('cell', { name: 'ERP' }).waitFor();

    const created = await c.app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.owner),
      payload: { phone: uniquePhone() },
    });
    expect(created.statusCode).toBe(201);
    await drain();
    expect(sink.requests).toHaveLength(1);
    const first = sink.requests[0]!;
    const header = String(first.headers['regulars-signature']);
    expect(verifySignature(secret, header, first.body, new Date())).toBe(true);

    await page.getByRole('tab', { name: '投递记录' }).click();
    const log = page.getByTestId('webhook-deliveries');
    await log.getByText('已送达').waitFor();
    await log.getByRole('cell', { name: 'member.created' }).waitFor();
    await c.screenshot('webhooks-deliveries');
    await log.getByRole('button', { name: /重 ?放/ }).click();
    await log.getByText('待发送').waitFor();
    await drain();
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]!.headers['regulars-delivery']).toBe(first.headers['regulars-delivery']);
    expect(sink.duplicates()).toBe(1);
    await page.getByRole('button', { name: '↻' }).click();
    await log.getByText('已送达').waitFor();
    expect(errors).toEqual([]);
  });
});
