import { describe, expect, it } from 'vitest';
import { auth, createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { startLoopbackSink } from '../../../test/loopback-sink.ts';
import { smsDeliverer } from '../../core/messaging/channels/sms.channel.ts';
import { enqueueMessage } from '../../core/messaging/outbox.service.ts';
import { drainOutbox } from '../../core/messaging/outbox-delivery.service.ts';

describe('messaging routes', () => {
  it('templates: built-ins listed, overridden by code, previewed, edited and deleted', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const h = auth(m.tokens.marketer);
    const list = await app.inject({ method: 'GET', url: '/api/messaging/templates', headers: h });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((t: { code: string }) => t.code)).toEqual(
      expect.arrayContaining([
        'otp',
        'generic',
        'welcome',
        'birthday',
        'coupon_issued',
        'points_expiring',
      ]),
    );
    const body = {
      code: 'welcome',
      purpose: 'marketing',
      title_zh: '欢迎 {name}',
      body_zh: '送您 {points} 积分',
      title_en: 'Welcome {name}',
      body_en: '{points} points for you',
    };
    const created = await app.inject({
      method: 'POST',
      url: '/api/messaging/templates',
      headers: h,
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    const again = await app.inject({
      method: 'POST',
      url: '/api/messaging/templates',
      headers: h,
      payload: body,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('message.template_exists');
    const open = await app.inject({
      method: 'POST',
      url: '/api/messaging/templates',
      headers: h,
      payload: { ...body, code: 'x_other', merchant_id: m.merchantId },
    });
    expect(open.statusCode).toBe(400);
    const preview = await app.inject({
      method: 'POST',
      url: '/api/messaging/templates/preview',
      headers: h,
      payload: { code: 'welcome', vars: { name: '李雷', points: 50 } },
    });
    expect(preview.json()).toEqual({
      'zh-CN': { title: '欢迎 李雷', body: '送您 50 积分' },
      en: { title: 'Welcome 李雷', body: '50 points for you' },
    });
    const id = created.json().id;
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/messaging/templates/${id}`,
      headers: h,
      payload: { body_en: 'Take {points} points' },
    });
    expect(patched.json()).toMatchObject({
      body_en: 'Take {points} points',
      body_zh: '送您 {points} 积分',
    });
    const after = (
      await app.inject({ method: 'GET', url: '/api/messaging/templates', headers: h })
    ).json();
    expect(after.find((t: { code: string }) => t.code === 'welcome')).toMatchObject({
      id,
      overridden: true,
    });
    const gone = await app.inject({
      method: 'DELETE',
      url: `/api/messaging/templates/${id}`,
      headers: h,
    });
    expect(gone.statusCode).toBe(204);
    const rows = await db
      .selectFrom('message_template')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(rows).toEqual([]);
    const cashier = await app.inject({
      method: 'GET',
      url: '/api/messaging/templates',
      headers: auth(m.tokens.cashier),
    });
    expect(cashier.statusCode).toBe(403);
  });

  it('channel settings keep their secrets: masked when read, kept when the mask is sent back', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const h = auth(m.tokens.owner);
    const config = {
      url: 'https://sms.example.com/send',
      headers: { authorization: 'Bearer gateway-token-1234' },
    };
    const put = await app.inject({
      method: 'PUT',
      url: '/api/messaging/channels/sms',
      headers: h,
      payload: { enabled: true, provider: 'http', config },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().config.headers).toEqual({ authorization: '••••1234' });
    const read = (
      await app.inject({ method: 'GET', url: '/api/messaging/channels', headers: h })
    ).json();
    const sms = read.find((c: { channel: string }) => c.channel === 'sms');
    expect(JSON.stringify(read)).not.toContain('gateway-token');
    await app.inject({
      method: 'PUT',
      url: '/api/messaging/channels/sms',
      headers: h,
      payload: { enabled: false, provider: 'http', config: sms.config },
    });
    const row = await db
      .selectFrom('message_channel_setting')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ enabled: false, config });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/messaging/channels/sms',
      headers: h,
      payload: { enabled: true, provider: 'smtp', config: {} },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('message.provider_invalid');
  });

  it('a dead message shows in the log with its attempts and is retried once, idempotently', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const h = auth(m.tokens.manager);
    const sink = await startLoopbackSink({ respond: () => ({ status: 503 }) });
    try {
      await app.inject({
        method: 'PUT',
        url: '/api/messaging/channels/sms',
        headers: h,
        payload: { enabled: true, provider: 'http', config: { url: `${sink.url}/sms` } },
      });
      const ctx = m.ctx('manager');
      const member = await createMember(db, ctx, { marketing_consent: true });
      const { id } = await db.transaction().execute((trx) =>
        enqueueMessage(trx, ctx, {
          member_id: member.id,
          channel: 'sms',
          purpose: 'service',
          template: 'otp',
          vars: { code: '135790', minutes: 5 },
          dedupe_key: 'otp:route',
        }),
      );
      const deliverers = { sms: smsDeliverer({ info: () => {} }) };
      await drainOutbox(db, { deliverers, maxAttempts: 1 });
      const dead = await app.inject({
        method: 'GET',
        url: '/api/messaging/messages?status=dead',
        headers: h,
      });
      expect(dead.statusCode).toBe(200);
      expect(dead.json().items).toEqual([
        expect.objectContaining({
          id,
          status: 'dead',
          attempts: 1,
          phone: member.phone,
          body: '••••••',
        }),
      ]);
      expect(JSON.stringify(dead.json())).not.toContain('135790');
      const masked = await app.inject({
        method: 'GET',
        url: '/api/messaging/messages',
        headers: auth(m.tokens.marketer),
      });
      expect(masked.json().items[0].phone).not.toBe(member.phone);
      const detail = await app.inject({
        method: 'GET',
        url: `/api/messaging/messages/${id}`,
        headers: h,
      });
      expect(detail.json().attempt_log).toEqual([
        expect.objectContaining({ attempt: 1, ok: false, status_code: 503 }),
      ]);
      for (let i = 0; i < 2; i++) {
        const retry = await app.inject({
          method: 'POST',
          url: `/api/messaging/messages/${id}/retry`,
          headers: h,
        });
        expect(retry.statusCode).toBe(200);
        expect(retry.json()).toMatchObject({ status: 'pending', attempts: 1 });
      }
      const audits = await db
        .selectFrom('audit_log')
        .select('id')
        .where('merchant_id', '=', m.merchantId)
        .where('action', '=', 'message.retry')
        .execute();
      expect(audits).toHaveLength(1);
      const history = await app.inject({
        method: 'GET',
        url: `/api/members/${member.id}/messages`,
        headers: h,
      });
      expect(history.json()).toMatchObject({
        inbox: [],
        history: [expect.objectContaining({ id, status: 'pending' })],
      });
      const other = await createTestMerchant(db);
      const foreign = await app.inject({
        method: 'POST',
        url: `/api/messaging/messages/${id}/retry`,
        headers: auth(other.tokens.owner),
      });
      expect(foreign.statusCode).toBe(404);
    } finally {
      await sink.close();
    }
  });
});
