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
import { grantPoints } from '../../core/points/points.service.ts';
import type { Db } from '../../db/database.ts';

const post = postWithKey;
type App = Awaited<ReturnType<typeof testApp>>['app'];
type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;

const templateBody = (name: string, threshold: number, off: number, extra: object = {}) =>
  couponTemplateBody({
    name,
    benefit: { kind: 'threshold_off', threshold_fen: threshold, off_fen: off },
    ...extra,
  });

async function setup() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const template = async (name: string, threshold: number, off: number, extra: object = {}) => {
    const res = await post(
      app,
      m.tokens.marketer,
      '/api/coupon-templates',
      templateBody(name, threshold, off, extra),
    );
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  return { app, db, m, template };
}

const couponsOf = (db: Db, memberId: string) =>
  db
    .selectFrom('coupon')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

const membersWithPhone = (db: Db, m: Merchant, phone: string) =>
  db
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', m.merchantId)
    .where('phone', 'like', `%${phone}`)
    .execute();

const claim = (app: App, m: Merchant, templateId: string, body: object) =>
  post(app, m.tokens.cashier, `/api/coupon-templates/${templateId}/claim`, body);

describe('coupon issuance channels', () => {
  it('领券先领卡: a phone that is no member becomes one in the claim; a refused claim leaves none', async () => {
    const { app, db, m, template } = await setup();
    const t = await template('满100减20', 10_000, 2_000, { per_member_limit: 1 });
    const phone = uniquePhone();
    const first = await claim(app, m, t, { phone });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ member_created: true, coupon: { issued_via: 'claim' } });
    const [member] = await membersWithPhone(db, m, phone);
    expect(first.json().coupon.member_id).toBe(member?.id);

    const again = await claim(app, m, t, { phone });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('coupon.claim_limit');
    const byId = await claim(app, m, t, { member_id: member?.id });
    expect(byId.json().error.code).toBe('coupon.claim_limit');

    const soldOut = await template('限量', 5_000, 500, { total_stock: 1 });
    expect((await claim(app, m, soldOut, { phone })).statusCode).toBe(201);
    const stranger = uniquePhone();
    const refused = await claim(app, m, soldOut, { phone: stranger });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('coupon.out_of_stock');
    expect(await membersWithPhone(db, m, stranger)).toEqual([]);

    const nobody = await claim(app, m, t, {});
    expect(nobody.statusCode).toBe(400);
    expect(nobody.json().error).toMatchObject({ code: 'coupon.claimant_required', field: 'phone' });
    const badPhone = await claim(app, m, t, { phone: '12' });
    expect(badPhone.json().error).toMatchObject({ code: 'member.phone_invalid', field: 'phone' });
  });

  it("new-member pack: S8's ¥150 pack is issued on registration, by claim or at the counter", async () => {
    const { app, db, m, template } = await setup();
    const pack = [
      await template('满148减20', 14_800, 2_000),
      await template('满178减30', 17_800, 3_000),
      await template('满150减100', 15_000, 10_000),
    ];
    const put = await app.inject({
      method: 'PUT',
      url: '/api/coupon-setting',
      headers: auth(m.tokens.marketer),
      payload: {
        new_member_pack: pack.map((template_id) => ({ template_id, quantity: 1 })),
        staff_daily_caps: {},
      },
    });
    expect(put.statusCode).toBe(200);
    const member = await createMember(db, m.ctx('cashier'));
    const held = await couponsOf(db, member.id);
    expect(held.map((c) => [c.template_id, c.issued_via])).toEqual(
      pack.map((t) => [t, 'new_member']),
    );
    const phone = uniquePhone();
    const claimed = await claim(app, m, pack[0] as string, { phone });
    expect(claimed.statusCode).toBe(201);
    expect(await couponsOf(db, claimed.json().coupon.member_id)).toHaveLength(4);

    const foreign = await app.inject({
      method: 'PUT',
      url: '/api/coupon-setting',
      headers: auth((await createTestMerchant(db)).tokens.marketer),
      payload: { new_member_pack: [{ template_id: pack[0], quantity: 1 }], staff_daily_caps: {} },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error).toMatchObject({
      code: 'coupon.template_not_found',
      field: 'new_member_pack.0.template_id',
    });
  });

  it('a staff grant keeps its reason and stops at the role’s cap for the local day', async () => {
    const { app, db, m, template } = await setup();
    const t = await template('补偿券', 5_000, 1_000);
    await app.inject({
      method: 'PUT',
      url: '/api/coupon-setting',
      headers: auth(m.tokens.marketer),
      payload: { new_member_pack: [], staff_daily_caps: { cashier: 2 } },
    });
    const member = await createMember(db, m.ctx());
    const grant = (token: string) =>
      post(app, token, `/api/members/${member.id}/coupons`, { template_id: t, reason: '投诉补偿' });
    const results = await Promise.all([1, 2, 3, 4].map(() => grant(m.tokens.cashier)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
    const capped = results.filter((r) => r.statusCode === 409);
    expect(capped).toHaveLength(2);
    for (const r of capped)
      expect(r.json().error).toMatchObject({
        code: 'coupon.grant_cap_reached',
        params: { cap: 2, role: 'cashier' },
      });
    expect((await grant(m.tokens.manager)).statusCode).toBe(201);
    const rows = await couponsOf(db, member.id);
    expect(rows.map((c) => c.reason)).toEqual(['投诉补偿', '投诉补偿', '投诉补偿']);
    const noReason = await post(app, m.tokens.cashier, `/api/members/${member.id}/coupons`, {
      template_id: t,
    });
    expect(noReason.statusCode).toBe(400);
  });

  it('the points mall sells a coupon; cancelling voids it, and is refused once it is used', async () => {
    const { app, db, m, template } = await setup();
    const t = await template('满500减50', 50_000, 5_000);
    const reward = await post(app, m.tokens.manager, '/api/mall/rewards', {
      kind: 'coupon',
      name: '满500减50',
      points_price: 200,
      coupon_template_id: t,
    });
    expect(reward.statusCode).toBe(201);
    const member = await createMember(db, m.ctx());
    await db
      .transaction()
      .execute((trx) => grantPoints(trx, m.ctx(), member.id, { points: 1000, reason: 'test' }));
    const redeem = () =>
      post(app, m.tokens.cashier, `/api/mall/rewards/${reward.json().id}/redeem`, {
        member_id: member.id,
      });
    const first = await redeem();
    expect(first.statusCode).toBe(201);
    expect(first.json().pickup_code).toBeNull();
    const [coupon] = await couponsOf(db, member.id);
    expect(coupon).toMatchObject({
      issued_via: 'mall',
      ref_type: 'mall_redemption',
      ref_id: first.json().id,
      status: 'issued',
    });
    const cancel = (id: string) =>
      post(app, m.tokens.cashier, `/api/mall/redemptions/${id}/cancel`, { reason: '不要了' });
    expect((await cancel(first.json().id)).statusCode).toBe(200);
    expect((await couponsOf(db, member.id))[0]?.status).toBe('void');

    const second = await redeem();
    const used = (await couponsOf(db, member.id))[1];
    const redeemed = await post(app, m.tokens.cashier, '/api/coupons/redeem', { code: used?.code });
    expect(redeemed.statusCode).toBe(200);
    const refused = await cancel(second.json().id);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('coupon.already_redeemed');
    const redemption = await db
      .selectFrom('mall_redemption')
      .select('status')
      .where('id', '=', second.json().id)
      .executeTakeFirstOrThrow();
    expect(redemption.status).toBe('redeemed');

    const foreignTemplate = await post(app, m.tokens.manager, '/api/mall/rewards', {
      kind: 'coupon',
      name: 'x',
      points_price: 10,
      coupon_template_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(foreignTemplate.statusCode).toBe(404);
    expect(foreignTemplate.json().error).toMatchObject({
      code: 'coupon.template_not_found',
      field: 'coupon_template_id',
    });
  });

  it("a recharge's gift pack is issued; its refund voids the unused coupons only", async () => {
    const { app, db, m, template } = await setup();
    const t = await template('满200减50', 20_000, 5_000);
    const plan = await post(app, m.tokens.owner, '/api/recharge-plans', {
      name: '充100送券',
      price_fen: 10_000,
      bonus_fen: 0,
      coupon_pack: [
        {
          template_id: t,
          name: '满200减50',
          face_value_fen: 5_000,
          threshold_fen: 20_000,
          quantity: 2,
        },
        { name: '描述行', face_value_fen: 1_000, threshold_fen: 0, quantity: 1 },
      ],
    });
    expect(plan.statusCode).toBe(201);
    const member = await createMember(db, m.ctx());
    const rc = await post(app, m.tokens.cashier, `/api/members/${member.id}/recharges`, {
      plan_id: plan.json().id,
      tenders: [{ method: 'cash', amount_fen: 10_000 }],
    });
    expect(rc.statusCode).toBe(201);
    expect(rc.json().coupon_pack_issued_at).not.toBeNull();
    const coupons = await couponsOf(db, member.id);
    expect(coupons.map((c) => [c.issued_via, c.ref_id])).toEqual([
      ['recharge_pack', rc.json().id],
      ['recharge_pack', rc.json().id],
    ]);
    await post(app, m.tokens.cashier, '/api/coupons/redeem', { code: coupons[0]?.code });
    const refund = await post(app, m.tokens.owner, `/api/recharges/${rc.json().id}/refund`, {});
    expect(refund.statusCode).toBe(200);
    expect((await couponsOf(db, member.id)).map((c) => c.status)).toEqual(['redeemed', 'void']);
  });

  it("a coupon's code as a QR code, only for its merchant", async () => {
    const { app, db, m, template } = await setup();
    const t = await template('代金券', 1_000, 100);
    const member = await createMember(db, m.ctx());
    const coupon = (
      await post(app, m.tokens.cashier, `/api/members/${member.id}/coupons`, {
        template_id: t,
        reason: 'x',
      })
    ).json();
    const qr = await app.inject({
      url: `/api/coupons/${coupon.id}/qr`,
      headers: auth(m.tokens.cashier),
    });
    expect(qr.statusCode).toBe(200);
    expect(qr.json().code).toBe(coupon.code);
    expect(qr.json().qr_svg).toMatch(/^<svg/);
    const other = await createTestMerchant(db);
    const hidden = await app.inject({
      url: `/api/coupons/${coupon.id}/qr`,
      headers: auth(other.tokens.cashier),
    });
    expect(hidden.statusCode).toBe(404);
  });
});
