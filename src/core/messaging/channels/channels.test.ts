import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../../test/factories.ts';
import { startLoopbackSink } from '../../../../test/loopback-sink.ts';
import { verifySignature } from '../../../lib/signature.ts';
import { deliverWebhook } from '../../webhooks/webhook-deliverer.ts';
import { createSubscription } from '../../webhooks/webhook-subscription.service.ts';
import { listChannelSettings, putChannelSetting } from '../message-channel.service.ts';
import { enqueueMessage } from '../outbox.service.ts';
import { drainOutbox } from '../outbox-delivery.service.ts';
import { emailDeliverer } from './email.channel.ts';
import { wechatDeliverer } from './wechat.channel.ts';

const silent = { info: () => {} };

async function startSmtp(reply: (n: number) => number | undefined = () => undefined) {
  const mails: { to: string[]; data: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _session, done) =>
      auth.username === 'shop' && auth.password === 'smtp-password-123'
        ? done(null, { user: auth.username })
        : done(new Error('bad login')),
    onData(stream, session, done) {
      let data = '';
      stream.on('data', (c: Buffer) => {
        data += c.toString('utf8');
      });
      stream.on('end', () => {
        const code = reply(mails.length);
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        if (code) {
          const e = Object.assign(new Error('refused'), { responseCode: code });
          return done(e);
        }
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('channels', () => {
  it('e-mail goes over SMTP to a loopback server; a 5xx refusal is final, a 4xx is retried', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const smtp = await startSmtp((n) => (n === 1 ? 550 : n === 2 ? 451 : undefined));
    try {
      await db.transaction().execute((trx) =>
        putChannelSetting(trx, ctx, 'email', {
          enabled: true,
          provider: 'smtp',
          config: {
            host: '127.0.0.1',
            port: smtp.port,
            from: 'shop@example.com',
            user: 'shop',
            password: 'smtp-password-123',
          },
        }),
      );
      const email = (await listChannelSettings(db, ctx)).find((s) => s.channel === 'email')!;
      expect(email.config.password).toBe('••••-123');
      const members = [];
      for (const address of ['a@example.com', 'b@example.com', 'c@example.com']) {
        const member = await createMember(db, ctx, { marketing_consent: true });
        await db
          .updateTable('member')
          .set({ custom: JSON.stringify({ email: address }) })
          .where('merchant_id', '=', m.merchantId)
          .where('id', '=', member.id)
          .execute();
        members.push(member);
      }
      for (const member of members)
        await db.transaction().execute((trx) =>
          enqueueMessage(trx, ctx, {
            member_id: member.id,
            channel: 'email',
            purpose: 'service',
            template: 'points_expiring',
            vars: { points: 120, date: '2026-12-31' },
            dedupe_key: `exp:${member.id}`,
          }),
        );
      const deliverers = { email: emailDeliverer(silent) };
      const result = await drainOutbox(db, { deliverers, concurrency: 1 });
      expect(result).toMatchObject({ claimed: 3, sent: 1, dead: 1, retrying: 1 });
      expect(smtp.mails[0]!.to).toEqual(['a@example.com']);
      expect(smtp.mails[0]!.data).toContain('Subject: Points expiring');
      expect(smtp.mails[0]!.data).toContain('120 of your points expire on 2026-12-31');
      const rows = await db
        .selectFrom('outbox_message')
        .select(['address', 'status', 'last_error'])
        .where('merchant_id', '=', m.merchantId)
        .orderBy('address')
        .execute();
      expect(rows.map((r) => [r.address, r.status])).toEqual([
        ['a@example.com', 'sent'],
        ['b@example.com', 'dead'],
        ['c@example.com', 'retrying'],
      ]);
    } finally {
      await smtp.close();
    }
  });

  it('WeChat: fetches and caches the access token, sends the subscribe message to the openid', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const sink = await startLoopbackSink({
      respond: (r) =>
        r.path.startsWith('/cgi-bin/token')
          ? { body: JSON.stringify({ access_token: 'TOKEN-1', expires_in: 7200 }) }
          : { body: '{"errcode":0,"errmsg":"ok"}' },
    });
    try {
      const member = await createMember(db, ctx, { marketing_consent: true });
      await db
        .insertInto('member_identity')
        .values({
          merchant_id: m.merchantId,
          id: crypto.randomUUID(),
          member_id: member.id,
          kind: 'wechat_openid',
          value: 'oOPENID-9',
          created_at: ctx.now,
        })
        .execute();
      const deliverers = { wechat: wechatDeliverer(silent) };
      const send = (key: string) =>
        db.transaction().execute((trx) =>
          enqueueMessage(trx, ctx, {
            member_id: member.id,
            channel: 'wechat',
            purpose: 'marketing',
            template: 'welcome',
            dedupe_key: key,
          }),
        );
      // off until configured: dead with its reason, nothing sent
      await send('w0');
      expect(await drainOutbox(db, { deliverers })).toMatchObject({ dead: 1 });
      expect(sink.requests).toHaveLength(0);
      await db.transaction().execute((trx) =>
        putChannelSetting(trx, ctx, 'wechat', {
          enabled: true,
          provider: 'wechat',
          config: {
            app_id: 'wx123',
            app_secret: 'app-secret-0001',
            template_id: 'TPL',
            api_base: sink.url,
          },
        }),
      );
      await send('w1');
      await send('w2');
      expect(await drainOutbox(db, { deliverers, concurrency: 1 })).toMatchObject({ sent: 2 });
      const paths = sink.requests.map((r) => r.path);
      expect(paths.filter((p) => p.startsWith('/cgi-bin/token'))).toEqual([
        '/cgi-bin/token?grant_type=client_credential&appid=wx123&secret=app-secret-0001',
      ]);
      const sends = sink.requests.filter((r) =>
        r.path.startsWith('/cgi-bin/message/subscribe/send'),
      );
      expect(sends.map((r) => r.path)).toEqual([
        '/cgi-bin/message/subscribe/send?access_token=TOKEN-1',
        '/cgi-bin/message/subscribe/send?access_token=TOKEN-1',
      ]);
      expect(JSON.parse(sends[0]!.body)).toEqual({
        touser: 'oOPENID-9',
        template_id: 'TPL',
        data: { thing1: { value: 'Welcome' }, thing2: { value: 'Welcome aboard: we l' } },
      });
    } finally {
      await sink.close();
    }
  });

  it('the webhook channel hands the message to the integrator as a signed message.requested event', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const sink = await startLoopbackSink();
    try {
      const sub = await db.transaction().execute((trx) =>
        createSubscription(trx, ctx, {
          name: 'crm',
          url: `${sink.url}/hook`,
          event_types: ['message.requested'],
        }),
      );
      const member = await createMember(db, ctx, { marketing_consent: true });
      const result = await db.transaction().execute((trx) =>
        enqueueMessage(trx, ctx, {
          member_id: member.id,
          channel: 'webhook',
          purpose: 'marketing',
          template: 'generic',
          vars: { title: 'Hi', body: 'There' },
          dedupe_key: 'hook:1',
        }),
      );
      expect(result.outcome).toBe('queued');
      expect(await drainOutbox(db, { deliverers: { webhook: deliverWebhook } })).toMatchObject({
        sent: 1,
      });
      expect(sink.requests).toHaveLength(1);
      const req = sink.requests[0]!;
      expect(
        verifySignature(
          sub.secret,
          String(req.headers['regulars-signature']),
          req.body,
          new Date(),
        ),
      ).toBe(true);
      expect(JSON.parse(req.body)).toMatchObject({
        type: 'message.requested',
        data: {
          message_id: result.id,
          member_id: member.id,
          channel: 'webhook',
          title: 'Hi',
          body: 'There',
        },
      });
    } finally {
      await sink.close();
    }
  });
});
