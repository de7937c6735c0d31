import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { newId } from '../../lib/ids.ts';
import { getMessagePreferences, setMessageOptOut } from './message-preference.service.ts';
import { updateMessageSettings } from './message-setting.service.ts';
import { enqueueMemberMessages, enqueueMessage, type MessageInput } from './outbox.service.ts';

const rowsOf = async (merchantId: string) => {
  const { db } = await testDb();
  return db
    .selectFrom('outbox_message')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
};

describe('enqueueMessage', () => {
  it('renders the template, resolves the phone and writes one row per dedupe key', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('manager');
    const member = await createMember(db, ctx, { marketing_consent: true });
    const otp: MessageInput = {
      member_id: member.id,
      channel: 'sms',
      purpose: 'service',
      template: 'otp',
      vars: { code: '123456', minutes: 5 },
      dedupe_key: 'otp:1',
    };
    const first = await db.transaction().execute((trx) => enqueueMessage(trx, ctx, otp));
    const again = await db.transaction().execute((trx) => enqueueMessage(trx, ctx, otp));
    expect(first.outcome).toBe('queued');
    expect(again).toEqual({ id: null, outcome: 'duplicate' });
    const rows = await rowsOf(m.merchantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first.id,
      status: 'pending',
      address: member.phone,
      next_attempt_at: ctx.now,
      payload: {
        locale: 'en',
        title: 'Verification code',
        body: 'Your code is 123456. It is valid for 5 minutes; do not share it.',
      },
    });
    const bare = await db.transaction().execute((trx) =>
      enqueueMessage(trx, ctx, {
        ...otp,
        member_id: undefined,
        phone: '13900000001',
        dedupe_key: 'otp:2',
      }),
    );
    expect(bare.outcome).toBe('queued');
    expect((await rowsOf(m.merchantId))[1]).toMatchObject({
      address: '13900000001',
      member_id: null,
    });
    await expect(
      db
        .transaction()
        .execute((trx) => enqueueMessage(trx, ctx, { ...otp, template: 'nope', dedupe_key: 'x' })),
    ).rejects.toMatchObject({ code: 'message.template_not_found' });
  });

  it('an opted-out member gets no marketing on any channel; a service message still goes', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('manager');
    const member = await createMember(db, ctx, { marketing_consent: true });
    await db
      .transaction()
      .execute((trx) =>
        setMessageOptOut(trx, ctx, member.id, { purpose: 'marketing', opted_out: true }),
      );
    expect(await getMessagePreferences(db, ctx, member.id)).toEqual({
      marketing: false,
      channels: { inbox: false, sms: false, email: false, wechat: false, webhook: false },
    });
    const send = (
      channel: MessageInput['channel'],
      purpose: MessageInput['purpose'],
      key: string,
    ) =>
      db.transaction().execute((trx) =>
        enqueueMessage(trx, ctx, {
          member_id: member.id,
          channel,
          purpose,
          template: purpose === 'service' ? 'otp' : 'welcome',
          vars: { code: '1', minutes: 1 },
          dedupe_key: key,
        }),
      );
    for (const channel of ['inbox', 'sms', 'email', 'wechat'] as const)
      expect((await send(channel, 'marketing', channel)).outcome).toBe('opted_out');
    expect((await send('sms', 'service', 'otp')).outcome).toBe('queued');
    const rows = await rowsOf(m.merchantId);
    expect(rows.map((r) => [r.channel, r.status, r.skip_reason])).toEqual([
      ['inbox', 'skipped', 'opted_out'],
      ['sms', 'skipped', 'opted_out'],
      ['email', 'skipped', 'opted_out'],
      ['wechat', 'skipped', 'opted_out'],
      ['sms', 'pending', null],
    ]);
    const inbox = await db
      .selectFrom('member_message')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(inbox).toEqual([]);
  });

  it('a per-channel opt-out narrows only that channel; the inbox is written at once', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('manager');
    const member = await createMember(db, ctx, { marketing_consent: true });
    await db.transaction().execute((trx) =>
      setMessageOptOut(trx, ctx, member.id, {
        purpose: 'marketing',
        channel: 'sms',
        opted_out: true,
      }),
    );
    const prefs = await getMessagePreferences(db, ctx, member.id);
    expect(prefs.marketing).toBe(true);
    expect(prefs.channels.sms).toBe(false);
    expect(prefs.channels.inbox).toBe(true);
    const result = await db.transaction().execute((trx) =>
      enqueueMemberMessages(trx, ctx, {
        member_ids: [member.id, newId()],
        channel: 'inbox',
        purpose: 'marketing',
        template: 'generic',
        vars: { title: '上新', body: '春季新品' },
        dedupe_prefix: 'campaign:1',
        ref_type: 'campaign',
        ref_id: newId(),
      }),
    );
    expect(result).toMatchObject({ queued: 1, duplicate: 0, opted_out: 0, no_address: 1 });
    const sms = await db.transaction().execute((trx) =>
      enqueueMemberMessages(trx, ctx, {
        member_ids: [member.id],
        channel: 'sms',
        purpose: 'marketing',
        template: 'generic',
        vars: { title: '上新', body: '春季新品' },
        dedupe_prefix: 'campaign:1s',
      }),
    );
    expect(sms).toMatchObject({ queued: 0, opted_out: 1 });
    const outbox = await rowsOf(m.merchantId);
    expect(outbox[0]).toMatchObject({ channel: 'inbox', status: 'sent', sent_at: ctx.now });
    const inbox = await db
      .selectFrom('member_message')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(inbox).toEqual([
      expect.objectContaining({
        id: outbox[0]!.id,
        title: '上新',
        body: '春季新品',
        ref_type: 'campaign',
      }),
    ]);
    expect(result.ids.get(member.id)).toBe(outbox[0]!.id);
    await db
      .transaction()
      .execute((trx) =>
        setMessageOptOut(trx, ctx, member.id, { purpose: 'marketing', opted_out: false }),
      );
    expect((await getMessagePreferences(db, ctx, member.id)).channels.sms).toBe(true);
  });

  it('e-mail and WeChat take the address from the custom field and the openid identity', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('manager');
    const withAddress = await createMember(db, ctx, { marketing_consent: true });
    const without = await createMember(db, ctx, { marketing_consent: true });
    await db
      .updateTable('member')
      .set({ custom: JSON.stringify({ email: 'li@example.com' }) })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', withAddress.id)
      .execute();
    await db
      .insertInto('member_identity')
      .values({
        merchant_id: m.merchantId,
        id: newId(),
        member_id: withAddress.id,
        kind: 'wechat_openid',
        value: 'oOPENID1',
        created_at: ctx.now,
      })
      .execute();
    const ids = [withAddress.id, without.id];
    for (const channel of ['email', 'wechat'] as const) {
      const r = await db.transaction().execute((trx) =>
        enqueueMemberMessages(trx, ctx, {
          member_ids: ids,
          channel,
          purpose: 'service',
          template: 'points_expiring',
          vars: { points: 100, date: '2026-12-31' },
          dedupe_prefix: `expiring:${channel}`,
        }),
      );
      expect(r).toMatchObject({ queued: 1, no_address: 1 });
    }
    const rows = await rowsOf(m.merchantId);
    const addresses = rows.filter((r) => r.status === 'pending').map((r) => [r.channel, r.address]);
    expect(addresses).toEqual([
      ['email', 'li@example.com'],
      ['wechat', 'oOPENID1'],
    ]);
  });

  it('marketing pushes written in quiet hours wait for their end; the daily cap skips the rest', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    // 23:30 in Shanghai
    const ctx = m.ctx('manager', new Date('2026-12-02T15:30:00Z'));
    const member = await createMember(db, ctx, { marketing_consent: true });
    await db.transaction().execute((trx) =>
      updateMessageSettings(trx, ctx, {
        quiet_start_minute: 21 * 60,
        quiet_end_minute: 8 * 60,
        daily_marketing_cap: 2,
      }),
    );
    const send = (
      purpose: MessageInput['purpose'],
      key: string,
      channel: MessageInput['channel'] = 'sms',
    ) =>
      db.transaction().execute((trx) =>
        enqueueMessage(trx, ctx, {
          member_id: member.id,
          channel,
          purpose,
          template: 'welcome',
          dedupe_key: key,
        }),
      );
    expect((await send('marketing', 'a')).outcome).toBe('queued');
    expect((await send('service', 'b')).outcome).toBe('queued');
    expect((await send('marketing', 'c', 'inbox')).outcome).toBe('queued');
    expect((await send('marketing', 'd')).outcome).toBe('capped');
    const rows = await rowsOf(m.merchantId);
    expect(rows.map((r) => [r.dedupe_key, r.status, r.next_attempt_at])).toEqual([
      ['a', 'pending', new Date('2026-12-03T00:00:00Z')],
      ['b', 'pending', ctx.now],
      ['c', 'sent', ctx.now],
      ['d', 'skipped', ctx.now],
    ]);
    // the next local day has room again
    const tomorrow = m.ctx('manager', new Date('2026-12-03T01:00:00Z'));
    const next = await db.transaction().execute((trx) =>
      enqueueMessage(trx, tomorrow, {
        member_id: member.id,
        channel: 'sms',
        purpose: 'marketing',
        template: 'welcome',
        dedupe_key: 'e',
      }),
    );
    expect(next.outcome).toBe('queued');
  });
});
