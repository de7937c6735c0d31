import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import { expirePaidMemberships } from '../../core/membership/membership.service.ts';
import type { App } from '../app.ts';

function client(app: App, m: TestMerchant) {
  return (
    role: 'owner' | 'manager' | 'cashier' | 'marketer',
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    idempotencyKey?: string,
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...auth(m.tokens[role]),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
}

describe('paid membership (付费会员)', () => {
  it('purchase, renewal chained after it, refund within the window, status decided by time', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const tier = await call('owner', 'POST', '/api/tiers', { name: '黑金', threshold: 100_000 });
    const plan = await call('owner', 'POST', '/api/membership/plans', {
      name: '黑金年卡',
      price_fen: 19900,
      duration_months: 12,
      tier_id: tier.json().id,
      extra_discount_bp: 500,
      monthly_coupons: [{ name: '免费升杯', face_value_fen: 500, quantity: 2 }],
      refund_full_within_days: 7,
    });
    expect(plan.statusCode).toBe(201);
    expect(plan.json().refund_policy).toContain('7');
    const bad = await call('owner', 'POST', '/api/membership/plans', {
      name: 'x',
      price_fen: 100,
      duration_months: 0,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('duration_months');

    const buy = (tenders: unknown) =>
      call(
        'cashier',
        'POST',
        `/api/members/${member.id}/membership`,
        { plan_id: plan.json().id, tenders },
        randomUUID(),
      );
    const mismatch = await buy([{ method: 'cash', amount_fen: 100 }]);
    expect(mismatch.json().error).toMatchObject({
      code: 'membership.tenders_mismatch',
      field: 'tenders',
    });
    const first = await buy([{ method: 'wechat_pay', amount_fen: 19900 }]);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      kind: 'purchase',
      status: 'paid',
      benefits: { extra_discount_bp: 500, tier_id: plan.json().tier_id },
    });
    const second = await buy([
      { method: 'cash', amount_fen: 9900 },
      { method: 'alipay', amount_fen: 10000 },
    ]);
    expect(second.json()).toMatchObject({ kind: 'renewal', starts_at: first.json().expires_at });

    const status = await call('cashier', 'GET', `/api/members/${member.id}/membership`);
    expect(status.json()).toMatchObject({
      paid_member: true,
      current_id: first.json().id,
      paid_until: second.json().expires_at,
    });

    // only the latest period can be refunded; it goes back through its tenders, last first
    const notLatest = await call(
      'manager',
      'POST',
      `/api/paid-memberships/${first.json().id}/refund`,
      undefined,
      randomUUID(),
    );
    expect(notLatest.json().error.code).toBe('membership.refund_not_latest');
    const cashier = await call(
      'cashier',
      'POST',
      `/api/paid-memberships/${second.json().id}/refund`,
      undefined,
      randomUUID(),
    );
    expect(cashier.statusCode).toBe(403);
    const refund = await call(
      'manager',
      'POST',
      `/api/paid-memberships/${second.json().id}/refund`,
      undefined,
      randomUUID(),
    );
    expect(refund.statusCode).toBe(200);
    expect(refund.json()).toMatchObject({ status: 'refunded', refund_fen: 19900 });
    const refunds = await db
      .selectFrom('tender')
      .select(['method', 'amount_fen'])
      .where('merchant_id', '=', m.merchantId)
      .where('direction', '=', 'refund')
      .orderBy('amount_fen', 'desc')
      .execute();
    expect(refunds).toEqual([
      { method: 'alipay', amount_fen: 10000 },
      { method: 'cash', amount_fen: 9900 },
    ]);
  });

  it('the expiry job marks ended periods once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const plan = await call('owner', 'POST', '/api/membership/plans', {
      name: '月卡',
      price_fen: 1900,
      duration_months: 1,
    });
    const bought = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/membership`,
      { plan_id: plan.json().id, tenders: [{ method: 'cash', amount_fen: 1900 }] },
      randomUUID(),
    );
    const end = new Date(bought.json().expires_at);
    expect(await expirePaidMemberships(db, new Date(end.getTime() - 1))).toBe(0);
    expect(await expirePaidMemberships(db, end)).toBeGreaterThanOrEqual(1);
    expect(await expirePaidMemberships(db, end)).toBe(0);
    const row = await db
      .selectFrom('paid_membership')
      .select(['status', 'expired_at'])
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'expired', expired_at: end });
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'membership.expire')
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('pay to become member (支付即会员, S7)', () => {
  it('a non-member paying at least the minimum gets one invitation', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const invite = (phone: string, paid_fen: number) =>
      call('cashier', 'POST', '/api/membership/invitations', { phone, paid_fen });
    expect((await invite('13912345678', 10000)).json()).toMatchObject({
      created: false,
      reason: 'disabled',
    });
    await call('owner', 'PUT', '/api/wallet/settings', { pay_to_join_min_fen: 5000 });
    expect((await invite('13912345678', 4999)).json()).toMatchObject({
      created: false,
      reason: 'below_minimum',
      min_fen: 5000,
    });
    const created = await invite('139 1234 5678', 5000);
    expect(created.json()).toMatchObject({
      created: true,
      reason: 'invited',
      invitation: { phone: '139****5678', paid_fen: 5000, status: 'sent' },
    });
    expect((await invite('+8613912345678', 8000)).json()).toMatchObject({
      created: false,
      reason: 'already_invited',
    });
    const member = await createMember(db, m.ctx());
    expect((await invite(member.phone!, 9000)).json().reason).toBe('already_member');
    const bad = await invite('12345', 9000);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'member.phone_invalid', field: 'phone' });
    const rows = await db
      .selectFrom('membership_invitation')
      .select(['phone', 'paid_fen'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(rows).toEqual([{ phone: '+8613912345678', paid_fen: 5000 }]);
  });
});
