import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  auth,
  couponTemplateBody,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
  uniquePhone,
} from '../../../test/factories.ts';
import { redeemCouponByCode } from '../../core/coupons/coupon-redeem.service.ts';
import { createStore } from '../../core/tenancy/store.service.ts';
import type { Db } from '../../db/database.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

const template = (name: string, extra: object = {}) => couponTemplateBody({ name, ...extra });

const get = (app: App, token: string, url: string) =>
  app.inject({ method: 'GET', url, headers: auth(token) });

/** Two templates, two members, three coupons: one redeemed at a store by the cashier, one void. */
async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const make = async (name: string) => {
    const res = await postWithKey(app, m.tokens.marketer, '/api/coupon-templates', template(name));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const a = await make('代金券 A');
  const b = await make('代金券 B');
  const alice = await createMember(db, m.ctx(), { name: '王小明' });
  const bob = await createMember(db, m.ctx(), { name: '李四' });
  const grant = async (templateId: string, memberId: string) => {
    const res = await postWithKey(app, m.tokens.cashier, `/api/members/${memberId}/coupons`, {
      template_id: templateId,
      reason: '补偿',
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  };
  const first = await grant(a, alice.id);
  const second = await grant(b, alice.id);
  const third = await grant(a, bob.id);
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '南京西路店' }));
  await db
    .transaction()
    .execute((trx) =>
      redeemCouponByCode(trx, { ...m.ctx('cashier'), storeId: store.id }, first.code),
    );
  const voided = await app.inject({
    method: 'POST',
    url: `/api/coupons/${third.id}/void`,
    headers: auth(m.tokens.manager),
  });
  expect(voided.statusCode, voided.body).toBe(200);
  return { app, db, m, a, b, alice, bob, first, second, third, store };
}

const ids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((c) => c.id);

describe('issued coupons (券记录)', () => {
  it('lists every member’s coupons newest first with template, member, redemption and filters', async () => {
    const w = await world();
    const all = await get(w.app, w.m.tokens.manager, '/api/coupons');
    expect(all.statusCode, all.body).toBe(200);
    expect(ids(all)).toEqual([w.third.id, w.second.id, w.first.id]);
    const redeemed = all.json().items[2];
    expect(redeemed).toMatchObject({
      code: w.first.code,
      code_masked: false,
      template_id: w.a,
      template_name: '代金券 A',
      kind: 'cash_voucher',
      member_id: w.alice.id,
      member_name: '王小明',
      member_card_no: w.alice.card_no,
      member_phone: w.alice.phone,
      status: 'redeemed',
      issued_via: 'staff',
      reason: '补偿',
      redeemed_store_id: w.store.id,
      redeemed_store_name: '南京西路店',
      redeemed_by: w.m.staffIds.cashier,
      redeemed_by_name: 'cashier',
      order_id: null,
    });
    expect(all.json().items[0]).toMatchObject({ status: 'void', redeemed_at: null });

    const q = async (query: string) =>
      ids(await get(w.app, w.m.tokens.manager, `/api/coupons?${query}`));
    expect(await q(`template_id=${w.a}`)).toEqual([w.third.id, w.first.id]);
    expect(await q('status=void')).toEqual([w.third.id]);
    expect(await q('status=issued')).toEqual([w.second.id]);
    expect(await q(`member_id=${w.bob.id}`)).toEqual([w.third.id]);
    expect(await q(`code=${w.second.code.toLowerCase()}`)).toEqual([w.second.id]);
    expect(await q(`redeemed_store_id=${w.store.id}`)).toEqual([w.first.id]);
    // issued days are the merchant's local days (Asia/Shanghai)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(),
    );
    expect(await q(`issued_from=${today}&issued_to=${today}`)).toHaveLength(3);
    expect(await q('issued_to=2020-01-01')).toEqual([]);

    // keyset pages
    const page1 = await get(w.app, w.m.tokens.manager, '/api/coupons?limit=2');
    expect(ids(page1)).toEqual([w.third.id, w.second.id]);
    const page2 = await get(
      w.app,
      w.m.tokens.manager,
      `/api/coupons?limit=2&cursor=${page1.json().next_cursor}`,
    );
    expect(ids(page2)).toEqual([w.first.id]);
    expect(page2.json().next_cursor).toBeNull();

    // the rows in the database are what the list says
    const rows = await w.db
      .selectFrom('coupon')
      .select(['id', 'status'])
      .where('merchant_id', '=', w.m.merchantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(rows.map((r) => [r.id, r.status])).toEqual(
      all.json().items.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
  });

  it('refuses bad filters with stable codes and sees no other merchant', async () => {
    const w = await world();
    const bad = [
      ['status=held', 'request.invalid'],
      ['member_id=x', 'request.invalid'],
      ['issued_from=2026-03-10&issued_to=2026-03-09', 'request.invalid'],
      ['cursor=nonsense', 'request.cursor_invalid'],
      ['merchant_id=x', 'request.invalid'],
    ];
    for (const [query, code] of bad) {
      const res = await get(w.app, w.m.tokens.manager, `/api/coupons?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe(code);
    }
    const other = await createTestMerchant(w.db);
    const theirs = await get(w.app, other.tokens.owner, `/api/coupons?member_id=${w.alice.id}`);
    expect(theirs.json()).toEqual({ items: [], next_cursor: null });
    const byCode = await get(w.app, other.tokens.owner, `/api/coupons?code=${w.second.code}`);
    expect(byCode.json().items).toEqual([]);
  });

  it('shows whole codes only to roles that redeem at the till, whole phones only with members.pii', async () => {
    const w = await world();
    const item = async (role: 'owner' | 'cashier' | 'marketer') =>
      (await get(w.app, w.m.tokens[role], `/api/coupons?code=${w.second.code}`)).json().items[0];
    const phone = w.alice.phone!;
    const masked = `${phone.slice(3, 6)}****${phone.slice(-4)}`;
    // the cashier redeems at the till: the whole code, but no whole phone number
    expect(await item('cashier')).toMatchObject({
      code: w.second.code,
      code_masked: false,
      member_phone: masked,
    });
    // the marketer holds no loyalty.operate: a masked code, and a masked phone
    const marketer = await item('marketer');
    expect(marketer).toMatchObject({ code_masked: true, member_phone: masked });
    expect(marketer.code).toBe(`${'*'.repeat(12)}${w.second.code.slice(-4)}`);
    expect(await item('owner')).toMatchObject({ code: w.second.code, member_phone: phone });
    // the same rule on a member's coupons (member 360°) and the QR of a code
    const held = async (role: 'cashier' | 'marketer') =>
      (await get(w.app, w.m.tokens[role], `/api/members/${w.alice.id}/coupons`))
        .json()
        .items.find((c: { id: string }) => c.id === w.second.id).code;
    expect(await held('cashier')).toBe(w.second.code);
    expect(await held('marketer')).toBe(marketer.code);
    const qr = (role: 'cashier' | 'marketer') =>
      get(w.app, w.m.tokens[role], `/api/coupons/${w.second.id}/qr`);
    expect((await qr('cashier')).json().code).toBe(w.second.code);
    expect((await qr('marketer')).statusCode).toBe(403);
    // the masked code is no code: it redeems nothing
    const tried = await postWithKey(w.app, w.m.tokens.cashier, '/api/coupons/redeem', {
      code: marketer.code,
    });
    expect(tried.statusCode).toBe(404);
  });

  it('exports the filtered list as CSV with the same masking, formulas escaped', async () => {
    const w = await world();
    await w.db
      .updateTable('member')
      .set({ name: '=HYPERLINK("x")' })
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', w.bob.id)
      .execute();
    const csv = await get(w.app, w.m.tokens.marketer, '/api/coupons/export?format=csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toContain('券码');
    expect(lines).toHaveLength(4);
    expect(csv.body).toContain(`'=HYPERLINK`);
    for (const c of [w.first, w.second, w.third]) {
      expect(csv.body).not.toContain(c.code);
      expect(csv.body).toContain(`************${c.code.slice(-4)}`);
    }
    expect(csv.body).not.toContain(w.alice.phone!.slice(3));
    const owner = await get(
      w.app,
      w.m.tokens.owner,
      `/api/coupons/export?format=csv&status=redeemed`,
    );
    const rows = owner.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(w.first.code);
    expect(rows[1]).toContain('南京西路店');
    const bad = await get(w.app, w.m.tokens.owner, '/api/coupons/export?format=csv&status=held');
    expect(bad.statusCode).toBe(400);
    const badRange = await get(
      w.app,
      w.m.tokens.owner,
      '/api/coupons/export?format=csv&issued_from=2026-03-10&issued_to=2026-03-09',
    );
    expect(badRange.statusCode).toBe(400);
    expect(badRange.json().error.code).toBe('request.invalid');
    // the cashier exports nothing (members.export)
    expect(
      (await get(w.app, w.m.tokens.cashier, '/api/coupons/export?format=csv')).statusCode,
    ).toBe(403);
  });

  it('voids from the list: loyalty.admin only, an unused coupon only', async () => {
    const w = await world();
    const voidAs = (token: string, id: string) =>
      w.app.inject({ method: 'POST', url: `/api/coupons/${id}/void`, headers: auth(token) });
    expect((await voidAs(w.m.tokens.cashier, w.second.id)).statusCode).toBe(403);
    const used = await voidAs(w.m.tokens.manager, w.first.id);
    expect(used.statusCode).toBe(422);
    expect(used.json().error.code).toBe('coupon.already_redeemed');
    const ok = await voidAs(w.m.tokens.manager, w.second.id);
    expect(ok.json()).toMatchObject({ id: w.second.id, status: 'void' });
    const row = await w.db
      .selectFrom('coupon')
      .select('status')
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', w.second.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('void');
  });
});

async function memberToken(app: App, db: Db, merchantId: string) {
  const phone = uniquePhone();
  const asked = await app.inject({
    method: 'POST',
    url: `/api/member/m/${merchantId}/codes`,
    payload: { phone },
  });
  expect(asked.statusCode, asked.body).toBe(201);
  const { rows } = await sql<{ payload: any }>`
    select o.payload from outbox_message o
    join member_otp c on c.merchant_id = o.merchant_id and o.dedupe_key = 'otp:' || c.id
    where c.merchant_id = ${merchantId} and c.phone = ${`+86${phone}`}
    order by c.created_at desc limit 1`.execute(db);
  const code = String(rows[0]?.payload?.vars?.code ?? rows[0]?.payload?.code);
  const res = await app.inject({
    method: 'POST',
    url: `/api/member/m/${merchantId}/sessions`,
    payload: { phone, code },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { phone, token: res.json().token as string };
}

describe('claimable by members', () => {
  it('the coupon centre lists and the member claim takes only templates marked claimable', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const open = await postWithKey(
      app,
      m.tokens.marketer,
      '/api/coupon-templates',
      template('领券中心', { member_claimable: true }),
    );
    expect(open.statusCode, open.body).toBe(201);
    expect(open.json().member_claimable).toBe(true);
    const pushOnly = await postWithKey(
      app,
      m.tokens.marketer,
      '/api/coupon-templates',
      template('推送专用'),
    );
    expect(pushOnly.json().member_claimable).toBe(false);
    const { phone, token } = await memberToken(app, db, m.merchantId);
    const centre = await get(app, token, '/api/member/coupon-templates');
    expect(centre.json().items.map((t: { id: string }) => t.id)).toEqual([open.json().id]);

    const claim = (id: string) =>
      app.inject({
        method: 'POST',
        url: `/api/member/coupon-templates/${id}/claim`,
        headers: { ...auth(token), 'idempotency-key': randomUUID(), 'accept-language': 'zh-CN' },
      });
    const refused = await claim(pushOnly.json().id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'coupon.not_claimable',
      message: '该优惠券不可在会员页领取',
    });
    // the refusal made no member of the phone and issued nothing
    const members = await db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .where('phone', '=', `+86${phone}`)
      .execute();
    expect(members).toEqual([]);
    const held = await db
      .selectFrom('coupon_template')
      .select('issued')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', pushOnly.json().id)
      .executeTakeFirstOrThrow();
    expect(held.issued).toBe(0);
    // staff still hand it out at the till
    const staffClaim = await postWithKey(
      app,
      m.tokens.cashier,
      `/api/coupon-templates/${pushOnly.json().id}/claim`,
      { phone: uniquePhone() },
    );
    expect(staffClaim.statusCode, staffClaim.body).toBe(201);

    // turned on in the console, it is offered and claimed
    const patch = (token: string, payload: object, id = pushOnly.json().id) =>
      app.inject({
        method: 'PATCH',
        url: `/api/coupon-templates/${id}`,
        headers: auth(token),
        payload,
      });
    expect((await patch(m.tokens.cashier, { member_claimable: true })).statusCode).toBe(403);
    expect((await patch(m.tokens.marketer, {})).statusCode).toBe(400);
    expect((await patch(m.tokens.marketer, { member_claimable: true, name: 'x' })).statusCode).toBe(
      400,
    );
    const other = await createTestMerchant(db);
    const foreign = await patch(other.tokens.marketer, { member_claimable: true });
    expect(foreign.statusCode).toBe(404);
    const on = await patch(m.tokens.marketer, { member_claimable: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ id: pushOnly.json().id, member_claimable: true, issued: 1 });
    const row = await db
      .selectFrom('coupon_template')
      .select('member_claimable')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', pushOnly.json().id)
      .executeTakeFirstOrThrow();
    expect(row.member_claimable).toBe(true);
    const claimed = await claim(pushOnly.json().id);
    expect(claimed.statusCode, claimed.body).toBe(201);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'coupon.template_update')
      .execute();
    expect(audit).toHaveLength(1);
  });
});
