import { describe, expect, it } from 'vitest';
import {
  auth,
  couponTemplateBody,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
} from '../../../test/factories.ts';
import { redeemCouponByCode } from '../../core/coupons/coupon-redeem.service.ts';
import type { Db } from '../../db/database.ts';
import type { DomainError } from '../../lib/errors.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];
type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;

const post = postWithKey;

const template = (extra: object = {}) =>
  couponTemplateBody({
    name: '满100减20',
    benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2_000 },
    ...extra,
  });

async function setup(extra: object = {}) {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const res = await post(app, m.tokens.marketer, '/api/coupon-templates', template(extra));
  expect(res.statusCode).toBe(201);
  return { app, db, m, templateId: res.json().id as string };
}

async function issue(app: App, m: Merchant, templateId: string, memberId: string) {
  return post(app, m.tokens.cashier, `/api/members/${memberId}/coupons`, {
    template_id: templateId,
    reason: '补偿',
  });
}

const couponRow = (db: Db, id: string) =>
  db.selectFrom('coupon').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('coupons', () => {
  it('creates a template, issues, lists and redeems once', async () => {
    const { app, db, m, templateId } = await setup();
    const listed = await app.inject({
      url: '/api/coupon-templates',
      headers: auth(m.tokens.cashier),
    });
    expect(listed.json().map((t: { id: string }) => t.id)).toEqual([templateId]);
    expect(listed.json()[0]).toMatchObject({ issued: 0, active: true, name: '满100减20' });

    const member = await createMember(db, m.ctx());
    const issued = await issue(app, m, templateId, member.id);
    expect(issued.statusCode).toBe(201);
    const coupon = issued.json();
    expect(coupon).toMatchObject({ status: 'issued', uses_left: 1, issued_via: 'staff' });
    expect(coupon.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);

    const held = await app.inject({
      url: `/api/members/${member.id}/coupons`,
      headers: auth(m.tokens.cashier),
    });
    expect(held.json()).toEqual({ items: [coupon], next_cursor: null });

    const redeemed = await post(app, m.tokens.cashier, '/api/coupons/redeem', {
      code: coupon.code.toLowerCase(),
    });
    expect(redeemed.statusCode).toBe(200);
    expect(redeemed.json()).toMatchObject({ id: coupon.id, status: 'redeemed', uses_left: 0 });
    const again = await post(app, m.tokens.cashier, '/api/coupons/redeem', { code: coupon.code });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('coupon.already_redeemed');
    const row = await couponRow(db, coupon.id);
    expect(row).toMatchObject({ status: 'redeemed', redeemed_by: m.staffIds.cashier });
    const tpl = await db
      .selectFrom('coupon_template')
      .select('issued')
      .where('id', '=', templateId)
      .executeTakeFirstOrThrow();
    expect(tpl.issued).toBe(1);
  });

  it('20 concurrent redemptions of one code: exactly 1 succeeds, 19 already redeemed', async () => {
    const { app, db, m, templateId } = await setup();
    const member = await createMember(db, m.ctx());
    const coupon = (await issue(app, m, templateId, member.id)).json();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(app, m.tokens.cashier, '/api/coupons/redeem', { code: coupon.code }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.statusCode === 422);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.json().error.code).toBe('coupon.already_redeemed');
    const row = await couponRow(db, coupon.id);
    expect(row).toMatchObject({ status: 'redeemed', uses_left: 0 });
    const audits = await db
      .selectFrom('audit_log')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'coupon.redeem')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('a stock of 3 with 10 concurrent issues gives exactly 3 coupons', async () => {
    const { app, db, m, templateId } = await setup({ total_stock: 3 });
    const members = await Promise.all(Array.from({ length: 10 }, () => createMember(db, m.ctx())));
    const results = await Promise.all(members.map((x) => issue(app, m, templateId, x.id)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.statusCode === 409);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.json().error.code).toBe('coupon.out_of_stock');
    const rows = await db
      .selectFrom('coupon')
      .select('id')
      .where('template_id', '=', templateId)
      .execute();
    expect(rows).toHaveLength(3);
    const tpl = await db
      .selectFrom('coupon_template')
      .select('issued')
      .where('id', '=', templateId)
      .executeTakeFirstOrThrow();
    expect(tpl.issued).toBe(3);
  });

  it('the per-member limit holds', async () => {
    const { app, db, m, templateId } = await setup({ per_member_limit: 1 });
    const member = await createMember(db, m.ctx());
    expect((await issue(app, m, templateId, member.id)).statusCode).toBe(201);
    const second = await issue(app, m, templateId, member.id);
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({ code: 'coupon.claim_limit', params: { limit: 1 } });
  });

  it('fixed validity: not valid before local midnight, expired at the local midnight after', async () => {
    const { app, db, m, templateId } = await setup({
      validity: { mode: 'fixed', from: '2026-12-10', to: '2026-12-12' },
    });
    const member = await createMember(db, m.ctx());
    const a = (await issue(app, m, templateId, member.id)).json();
    const b = (await issue(app, m, templateId, member.id)).json();
    // Asia/Shanghai: 2026-12-10 00:00 is 12-09 16:00Z; the end is 2026-12-13 00:00 local
    expect(a.valid_from).toBe('2026-12-09T16:00:00.000Z');
    expect(a.valid_until).toBe('2026-12-12T16:00:00.000Z');
    const at = (iso: string, code: string) =>
      db
        .transaction()
        .execute((trx) => redeemCouponByCode(trx, m.ctx('cashier', new Date(iso)), code))
        .then(
          (c) => c.status,
          (e: DomainError) => e.code,
        );
    expect(await at('2026-12-09T15:59:59.999Z', a.code)).toBe('coupon.not_yet_valid');
    expect(await at('2026-12-12T16:00:00.000Z', a.code)).toBe('coupon.expired');
    expect((await couponRow(db, a.id)).status).toBe('issued');
    expect(await at('2026-12-09T16:00:00.000Z', a.code)).toBe('redeemed');
    expect(await at('2026-12-12T15:59:59.999Z', b.code)).toBe('redeemed');
  });

  it("another merchant's code is not found, and nothing changes", async () => {
    const { app, db, m, templateId } = await setup();
    const member = await createMember(db, m.ctx());
    const coupon = (await issue(app, m, templateId, member.id)).json();
    const other = await createTestMerchant(db);
    const res = await post(app, other.tokens.cashier, '/api/coupons/redeem', {
      code: coupon.code,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'coupon.not_found', field: 'code' });
    expect((await couponRow(db, coupon.id)).status).toBe('issued');
    const otherIssue = await issue(app, other, templateId, member.id);
    expect(otherIssue.statusCode).toBe(404);
    expect(otherIssue.json().error.code).toBe('coupon.template_not_found');
  });

  it('a count card gives one use per redemption; void refuses a used coupon', async () => {
    const { app, db, m, templateId } = await setup({
      name: '洗车5次',
      benefit: { kind: 'count_card', items: { sku_ids: null, category_codes: null }, uses: 2 },
    });
    const member = await createMember(db, m.ctx());
    const card = (await issue(app, m, templateId, member.id)).json();
    expect(card.uses_left).toBe(2);
    const redeem = () => post(app, m.tokens.cashier, '/api/coupons/redeem', { code: card.code });
    expect((await redeem()).json()).toMatchObject({ status: 'issued', uses_left: 1 });
    expect((await redeem()).json()).toMatchObject({ status: 'redeemed', uses_left: 0 });
    const voided = await post(app, m.tokens.manager, `/api/coupons/${card.id}/void`, {});
    expect(voided.json().error.code).toBe('coupon.already_redeemed');

    const fresh = (await issue(app, m, templateId, member.id)).json();
    const ok = await post(app, m.tokens.manager, `/api/coupons/${fresh.id}/void`, {});
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('void');
    const after = await post(app, m.tokens.cashier, '/api/coupons/redeem', { code: fresh.code });
    expect(after.json().error.code).toBe('coupon.void');
  });
});
