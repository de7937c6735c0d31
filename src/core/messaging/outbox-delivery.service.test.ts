import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import { startLoopbackSink } from '../../../test/loopback-sink.ts';
import type { Db } from '../../db/database.ts';
import { retryAt } from '../../lib/backoff.ts';
import { smsDeliverer } from './channels/sms.channel.ts';
import { putChannelSetting } from './message-channel.service.ts';
import { setMessageOptOut } from './message-preference.service.ts';
import { enqueueMemberMessages, enqueueMessage } from './outbox.service.ts';
import { claimDue, drainOutbox } from './outbox-delivery.service.ts';

const silent = { info: () => {} };
const deliverers = { sms: smsDeliverer(silent) };

async function smsTo(db: Db, m: TestMerchant, url: string, timeout_ms = 2_000) {
  await db.transaction().execute((trx) =>
    putChannelSetting(trx, m.ctx(), 'sms', {
      enabled: true,
      provider: 'http',
      config: {
        url: `${url}/sms`,
        body_template: '{"to":"{phone}","content":"{text}"}',
        timeout_ms,
      },
    }),
  );
}

const messagesOf = (db: Db, merchantId: string) =>
  db
    .selectFrom('outbox_message')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('id')
    .execute();

const attemptsOf = (db: Db, merchantId: string) =>
  db
    .selectFrom('outbox_attempt')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('message_id')
    .orderBy('attempt')
    .execute();

async function otp(db: Db, m: TestMerchant, phone: string, key: string, now = new Date()) {
  return db.transaction().execute((trx) =>
    enqueueMessage(trx, m.ctx('owner', now), {
      phone,
      channel: 'sms',
      purpose: 'service',
      template: 'otp',
      vars: { code: '246810', minutes: 5 },
      dedupe_key: key,
    }),
  );
}

describe('drainOutbox', () => {
  it('sends through the HTTP gateway once, with the outbox id as Idempotency-Key', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const sink = await startLoopbackSink({ keyOf: (r) => r.headers['idempotency-key'] as string });
    try {
      await smsTo(db, m, sink.url);
      const first = await otp(db, m, '13900001111', 'otp:a');
      expect((await otp(db, m, '13900001111', 'otp:a')).outcome).toBe('duplicate');
      const now = new Date();
      expect(await drainOutbox(db, { deliverers, now: () => now })).toMatchObject({
        claimed: 1,
        sent: 1,
      });
      expect(
        await drainOutbox(db, { deliverers, now: () => new Date(now.getTime() + 3600_000) }),
      ).toMatchObject({ claimed: 0 });
      expect(sink.requests).toHaveLength(1);
      expect(sink.requests[0]!.headers['idempotency-key']).toBe(first.id);
      expect(JSON.parse(sink.requests[0]!.body)).toEqual({
        to: '13900001111',
        content: 'Your code is 246810. It is valid for 5 minutes; do not share it.',
      });
      const [row] = await messagesOf(db, m.merchantId);
      expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: now, locked_until: null });
      const attempts = await attemptsOf(db, m.merchantId);
      expect(attempts).toEqual([
        expect.objectContaining({ attempt: 1, ok: true, status_code: 200 }),
      ]);
    } finally {
      await sink.close();
    }
  });

  it('an opted-out member gets no marketing SMS while the one-time code still arrives', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const sink = await startLoopbackSink();
    try {
      await smsTo(db, m, sink.url);
      const member = await createMember(db, ctx, { marketing_consent: true });
      await db
        .transaction()
        .execute((trx) =>
          setMessageOptOut(trx, ctx, member.id, { purpose: 'marketing', opted_out: true }),
        );
      const marketing = await db.transaction().execute((trx) =>
        enqueueMemberMessages(trx, ctx, {
          member_ids: [member.id],
          channel: 'sms',
          purpose: 'marketing',
          template: 'birthday',
          dedupe_prefix: 'birthday:2026',
        }),
      );
      expect(marketing).toMatchObject({ queued: 0, opted_out: 1 });
      await otp(db, m, member.phone!, 'otp:b');
      await drainOutbox(db, { deliverers });
      expect(sink.requests.map((r) => JSON.parse(r.body).content)).toEqual([
        expect.stringContaining('246810'),
      ]);
    } finally {
      await sink.close();
    }
  });

  it('a gateway answering 500 or timing out is retried with backoff, then dead after N tries', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const sink = await startLoopbackSink({
      respond: (r) =>
        JSON.parse(r.body).to === '13900002222' ? { status: 500 } : { delayMs: 500 },
    });
    try {
      await smsTo(db, m, sink.url, 150);
      const t0 = new Date('2026-12-02T02:00:00Z');
      await otp(db, m, '13900002222', 'otp:500', t0);
      await otp(db, m, '13900003333', 'otp:slow', t0);
      let now = t0;
      for (let attempt = 1; attempt <= 3; attempt++) {
        const r = await drainOutbox(db, { deliverers, now: () => now, maxAttempts: 3 });
        expect(r.claimed).toBe(2);
        const rows = await messagesOf(db, m.merchantId);
        for (const row of rows) {
          expect(row.attempts).toBe(attempt);
          if (attempt < 3) {
            expect(row.status).toBe('retrying');
            expect(row.next_attempt_at).toEqual(retryAt(now, attempt));
          } else expect(row.status).toBe('dead');
        }
        // nothing is due before its retry time
        expect(
          (await drainOutbox(db, { deliverers, now: () => now, maxAttempts: 3 })).claimed,
        ).toBe(0);
        now = new Date(now.getTime() + 24 * 3600_000);
      }
      const rows = await messagesOf(db, m.merchantId);
      expect(rows.map((r) => r.last_error)).toEqual([
        expect.stringContaining('HTTP 500'),
        expect.stringMatching(/Timeout|abort/i),
      ]);
      const attempts = await attemptsOf(db, m.merchantId);
      expect(attempts).toHaveLength(6);
      expect(attempts.every((a) => !a.ok)).toBe(true);
      expect(attempts.filter((a) => a.status_code === 500)).toHaveLength(3);
      // dead stays dead
      expect((await drainOutbox(db, { deliverers, now: () => now })).claimed).toBe(0);
    } finally {
      await sink.close();
    }
  });

  it('a 4xx answer is final: dead at once with its reason', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const sink = await startLoopbackSink({
      respond: () => ({ status: 400, body: '{"error":"bad phone"}' }),
    });
    try {
      await smsTo(db, m, sink.url);
      await otp(db, m, '13900004444', 'otp:400');
      expect(await drainOutbox(db, { deliverers })).toMatchObject({ claimed: 1, dead: 1 });
      const [row] = await messagesOf(db, m.merchantId);
      expect(row).toMatchObject({ status: 'dead', attempts: 1 });
      expect(row!.last_error).toContain('bad phone');
    } finally {
      await sink.close();
    }
  });

  it('two workers draining the same rows at once deliver each row exactly once', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const sink = await startLoopbackSink({
      keyOf: (r) => r.headers['idempotency-key'] as string,
      respond: () => ({ delayMs: 2 }),
    });
    try {
      await smsTo(db, m, sink.url);
      for (let i = 0; i < 120; i++)
        await otp(db, m, `1390000${String(i).padStart(4, '0')}`, `otp:c${i}`);
      const options = { deliverers, batchSize: 25, concurrency: 10 };
      const [a, b] = await Promise.all([drainOutbox(db, options), drainOutbox(db, options)]);
      expect(a.claimed + b.claimed).toBe(120);
      expect(a.claimed).toBeGreaterThan(0);
      expect(b.claimed).toBeGreaterThan(0);
      expect(sink.requests).toHaveLength(120);
      expect(sink.duplicates()).toBe(0);
      const rows = await messagesOf(db, m.merchantId);
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    } finally {
      await sink.close();
    }
  });

  it('a worker that crashed after its claim: the row comes back when the lease lapses, sent once', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const sink = await startLoopbackSink({ keyOf: (r) => r.headers['idempotency-key'] as string });
    try {
      await smsTo(db, m, sink.url);
      const t0 = new Date();
      await otp(db, m, '13900005555', 'otp:crash', t0);
      const lease = new Date(t0.getTime() + 60_000);
      // the crashed worker: claimed, never delivered, never marked
      expect(await claimDue(db, t0, lease, 10)).toHaveLength(1);
      expect(
        await drainOutbox(db, { deliverers, now: () => new Date(t0.getTime() + 30_000) }),
      ).toMatchObject({ claimed: 0 });
      expect(sink.requests).toHaveLength(0);
      const later = new Date(t0.getTime() + 61_000);
      expect(await drainOutbox(db, { deliverers, now: () => later })).toMatchObject({
        claimed: 1,
        sent: 1,
      });
      expect(
        await drainOutbox(db, { deliverers, now: () => new Date(later.getTime() + 3600_000) }),
      ).toMatchObject({ claimed: 0 });
      expect(sink.requests).toHaveLength(1);
      const [row] = await messagesOf(db, m.merchantId);
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      await sink.close();
    }
  });
});
