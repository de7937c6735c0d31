import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
  uniquePhone,
} from '../../../test/factories.ts';
import {
  askCode,
  codeFromOutbox,
  e164,
  get,
  signIn,
  templateBody,
} from '../../../test/member-app-support.ts';

describe('member page sign-in', () => {
  it('sends a code through the outbox and signs a phone in with it', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const phone = uniquePhone();
    const asked = await askCode(app, m.merchantId, phone);
    expect(asked.statusCode).toBe(201);
    const outbox = await db
      .selectFrom('outbox_message')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('dedupe_key', '=', `otp:${asked.json().challenge_id}`)
      .executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ channel: 'sms', purpose: 'service', template: 'otp' });
    const otp = await db
      .selectFrom('member_otp')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', asked.json().challenge_id)
      .executeTakeFirstOrThrow();
    const code = await codeFromOutbox(db, m.merchantId, e164(phone));
    expect(otp.code_hash).not.toContain(code);
    expect(otp.expires_at.getTime() - otp.created_at.getTime()).toBe(5 * 60_000);

    const again = await askCode(app, m.merchantId, phone);
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('member_app.code_too_soon');

    const res = await app.inject({
      method: 'POST',
      url: `/api/member/m/${m.merchantId}/sessions`,
      payload: { phone, code },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().token).toMatch(/^ms_/);
    expect(res.json().member_id).toBeNull();
    const session = await db
      .selectFrom('member_session')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(session.token_hash).not.toBe(res.json().token);
    const me = await get(app, res.json().token, '/api/member/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ member_id: null, card: null });

    // the same code again is refused: it was used
    const reused = await app.inject({
      method: 'POST',
      url: `/api/member/m/${m.merchantId}/sessions`,
      payload: { phone, code },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatchObject({ code: 'member_app.code_used', field: 'code' });
  });

  it("a member's sign-in feeds the merchant's sign_in interaction tag", async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const phone = uniquePhone();
    const member = await createMember(db, m.ctx(), { phone: e164(phone) });
    const tag = await app.inject({
      method: 'POST',
      url: '/api/tags',
      headers: auth(m.tokens.marketer),
      payload: { name: '用过会员页', kind: 'interaction', interaction: 'sign_in' },
    });
    expect(tag.statusCode, tag.body).toBe(201);
    const signedIn = await signIn(app, db, m.merchantId, phone);
    expect(signedIn.member_id).toBe(member.id);
    const held = await db
      .selectFrom('member_tag')
      .select(['member_id', 'source'])
      .where('merchant_id', '=', m.merchantId)
      .where('tag_id', '=', tag.json().id)
      .execute();
    expect(held).toEqual([{ member_id: member.id, source: 'interaction' }]);
  });

  it('locks the phone after 5 wrong codes, the right one included', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const phone = uniquePhone();
    expect((await askCode(app, m.merchantId, phone)).statusCode).toBe(201);
    const code = await codeFromOutbox(db, m.merchantId, e164(phone));
    const wrong = code === '000000' ? '111111' : '000000';
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/member/m/${m.merchantId}/sessions`,
        payload: { phone, code: wrong },
      });
      statuses.push(`${res.statusCode} ${res.json().error.code}`);
    }
    expect(statuses).toEqual([
      ...Array(4).fill('400 member_app.code_wrong'),
      '429 member_app.code_locked',
    ]);
    const right = await app.inject({
      method: 'POST',
      url: `/api/member/m/${m.merchantId}/sessions`,
      payload: { phone, code },
    });
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe('member_app.code_locked');
    const row = await db
      .selectFrom('member_otp')
      .select(['attempts', 'locked_until'])
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const sessions = await db
      .selectFrom('member_session')
      .select('token_hash')
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .execute();
    expect(sessions).toEqual([]);
    // no new code either while locked
    await db
      .updateTable('member_otp')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .execute();
    expect((await askCode(app, m.merchantId, phone)).json().error.code).toBe(
      'member_app.code_locked',
    );
  });

  it('refuses an expired code', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const phone = uniquePhone();
    await askCode(app, m.merchantId, phone);
    const code = await codeFromOutbox(db, m.merchantId, e164(phone));
    await db
      .updateTable('member_otp')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .execute();
    const res = await app.inject({
      method: 'POST',
      url: `/api/member/m/${m.merchantId}/sessions`,
      payload: { phone, code },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'member_app.code_expired', field: 'code' });
  });

  it('refuses unknown fields and a code for a merchant that does not exist', async () => {
    const { app } = await testApp();
    const res = await app.inject({
      method: 'POST',
      url: `/api/member/m/${randomUUID()}/codes`,
      payload: { phone: uniquePhone() },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('merchant.not_found');
    const m = await createTestMerchant((await testApp()).db);
    const extra = await app.inject({
      method: 'POST',
      url: `/api/member/m/${m.merchantId}/codes`,
      payload: { phone: uniquePhone(), merchant_id: m.merchantId },
    });
    expect(extra.statusCode).toBe(400);
  });
});

describe('member page', () => {
  it('a phone-only session claiming a coupon becomes one member with one coupon', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const template = await postWithKey(app, m.tokens.owner, '/api/coupon-templates', templateBody);
    expect(template.statusCode).toBe(201);
    const { phone, token } = await signIn(app, db, m.merchantId);
    const listed = await get(app, token, '/api/member/coupon-templates');
    expect(listed.json().items.map((t: { id: string }) => t.id)).toContain(template.json().id);
    const key = randomUUID();
    const claim = () =>
      app.inject({
        method: 'POST',
        url: `/api/member/coupon-templates/${template.json().id}/claim`,
        headers: { ...auth(token), 'idempotency-key': key },
      });
    const res = await claim();
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().member_created).toBe(true);
    expect((await claim()).headers['idempotent-replayed']).toBe('true');
    const members = await db
      .selectFrom('member')
      .select(['id', 'source_channel'])
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .execute();
    expect(members).toHaveLength(1);
    expect(members[0]!.source_channel).toBe('coupon_claim');
    const coupons = await db
      .selectFrom('coupon')
      .select(['id', 'code'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', members[0]!.id)
      .where('template_id', '=', template.json().id)
      .execute();
    expect(coupons).toHaveLength(1);
    const session = await db
      .selectFrom('member_session')
      .select('member_id')
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', e164(phone))
      .executeTakeFirstOrThrow();
    expect(session.member_id).toBe(members[0]!.id);

    const me = await get(app, token, '/api/member/me');
    expect(me.json().member_id).toBe(members[0]!.id);
    expect(me.json().card.card_no).toMatch(/^\d+/);
    const mine = await get(app, token, '/api/member/coupons');
    expect(mine.json().items.map((c: { id: string }) => c.id)).toContain(coupons[0]!.id);
    const qr = await get(app, token, `/api/member/coupons/${coupons[0]!.id}/qr`);
    expect(qr.json().code).toBe(coupons[0]!.code);
    expect(qr.json().qr_svg).toContain('<svg');
    const code = await get(app, token, '/api/member/code');
    expect(code.statusCode).toBe(200);
    expect(code.json().qr_svg).toContain('<svg');
  });

  it('member routes refuse staff tokens, staff routes refuse member tokens', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const staffOnMember = await get(app, m.tokens.owner, '/api/member/me');
    expect(staffOnMember.statusCode).toBe(403);
    expect(staffOnMember.json().error.code).toBe('auth.forbidden');
    const member = await createMember(db, m.ctx());
    const { token } = await signIn(app, db, m.merchantId, member.phone!.replace('+86', ''));
    for (const url of ['/api/members', `/api/members/${member.id}`, '/api/privacy-requests']) {
      const res = await get(app, token, url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('auth.forbidden');
    }
    // a member session mints only its own code, through the member routes
    const other = await get(app, token, `/api/members/${member.id}/code`);
    expect(other.statusCode).toBe(403);
    const signOut = await app.inject({
      method: 'DELETE',
      url: '/api/member/session',
      headers: auth(token),
    });
    expect(signOut.statusCode).toBe(204);
    expect((await get(app, token, '/api/member/me')).statusCode).toBe(401);
  });

  it("another merchant's member session sees nothing of this merchant", async () => {
    const { app, db } = await testApp();
    const a = await createTestMerchant(db);
    const b = await createTestMerchant(db);
    const template = await postWithKey(app, a.tokens.owner, '/api/coupon-templates', templateBody);
    const aMember = await createMember(db, a.ctx());
    const coupon = await postWithKey(app, a.tokens.owner, `/api/members/${aMember.id}/coupons`, {
      template_id: template.json().id,
      reason: 'seed',
    });
    expect(coupon.statusCode).toBe(201);
    const { token } = await signIn(app, db, b.merchantId, aMember.phone!.replace('+86', ''));
    const me = await get(app, token, '/api/member/me');
    expect(me.json()).toMatchObject({ member_id: null, card: null });
    expect((await get(app, token, `/api/member/coupons/${coupon.json().id}/qr`)).statusCode).toBe(
      404,
    );
    const claim = await app.inject({
      method: 'POST',
      url: `/api/member/coupon-templates/${template.json().id}/claim`,
      headers: { ...auth(token), 'idempotency-key': randomUUID() },
    });
    expect(claim.statusCode).toBe(404);
    expect(claim.json().error.code).toBe('coupon.template_not_found');
    const inB = await db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', b.merchantId)
      .execute();
    expect(inB).toEqual([]);
    const templates = await get(app, token, '/api/member/coupon-templates');
    expect(templates.json().items).toEqual([]);
  });

  it('payment password with a one-time code; opt-out in one tap; profile birthday once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const member = await createMember(db, m.ctx());
    const phone = member.phone!.replace('+86', '');
    const { token } = await signIn(app, db, m.merchantId, phone);
    await db
      .updateTable('member_otp')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', member.phone!)
      .execute();
    const put = (url: string, payload: object) =>
      app.inject({ method: 'PUT', url, headers: auth(token), payload });
    const sent = await app.inject({
      method: 'POST',
      url: '/api/member/payment-password/code',
      headers: auth(token),
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const code = await codeFromOutbox(db, m.merchantId, member.phone!);
    const weak = await put('/api/member/payment-password', { code, password: '123456' });
    expect(weak.statusCode).toBe(400);
    const set = await put('/api/member/payment-password', { code, password: '135790' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().set).toBe(true);
    const again = await put('/api/member/payment-password', { code, password: '246801' });
    expect(again.json().error.code).toBe('member_app.code_used');
    const stored = await db
      .selectFrom('payment_password')
      .select('password_hash')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toContain('135790');

    const opt = await put('/api/member/marketing', { opted_out: true });
    expect(opt.statusCode, opt.body).toBe(200);
    const after = await db
      .selectFrom('member')
      .select(['marketing_consent', 'birthday'])
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(after.marketing_consent).toBe(false);

    const patch = (payload: object) =>
      app.inject({ method: 'PATCH', url: '/api/member/profile', headers: auth(token), payload });
    expect((await patch({ birthday: '1990-05-06', name: 'Li' })).statusCode).toBe(204);
    const twice = await patch({ birthday: '1991-05-06' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('member_app.birthday_set');
    expect((await patch({ nickname: 'x' })).statusCode).toBe(400);

    const req = await app.inject({
      method: 'POST',
      url: '/api/member/privacy-requests',
      headers: auth(token),
      payload: { kind: 'erasure' },
    });
    expect(req.statusCode).toBe(201);
    const staffList = await get(app, m.tokens.owner, '/api/privacy-requests');
    expect(staffList.json().items).toHaveLength(1);
    expect(staffList.json().items[0]).toMatchObject({ member_id: member.id, kind: 'erasure' });
    expect((await get(app, m.tokens.cashier, '/api/privacy-requests')).statusCode).toBe(403);
    const exported = await get(app, token, '/api/member/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.json().profile.card_no).toBe(member.card_no);
  });
});
