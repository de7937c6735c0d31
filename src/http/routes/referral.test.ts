import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import { payFromWallet } from '../../core/wallet/wallet.service.ts';
import type { Db } from '../../db/database.ts';

async function world(setting: object | null) {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const store = await postWithKey(app, m.tokens.owner, '/api/stores', {
    name: '一号店',
    code: 'S1',
  });
  const storeId = store.json().id as string;
  if (setting) {
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/referral/settings',
      headers: auth(m.tokens.owner),
      payload: setting,
    });
    expect(res.statusCode).toBe(200);
  }
  const sharer = await createMember(db, m.ctx());
  const newcomer = await createMember(db, m.ctx());
  return { app, db, m, storeId, sharer: sharer.id, newcomer: newcomer.id };
}
type World = Awaited<ReturnType<typeof world>>;

const codeOf = async (w: World, memberId: string) => {
  const res = await w.app.inject({
    method: 'GET',
    url: `/api/members/${memberId}/referral`,
    headers: auth(w.m.tokens.cashier),
  });
  expect(res.statusCode).toBe(200);
  return res.json().share.code as string;
};

const invite = (w: World, code: string, memberId: string) =>
  w.app.inject({
    method: 'POST',
    url: '/api/referral/invitations',
    headers: auth(w.m.tokens.cashier),
    payload: { code, member_id: memberId },
  });

/** Two units at ¥50 paid in cash. */
async function pay(w: World, memberId: string, unitFen = 5_000) {
  const res = await postWithKey(w.app, w.m.tokens.cashier, '/api/orders', {
    store_id: w.storeId,
    member_id: memberId,
    lines: [{ name: '蛋糕', category: 'food', unit_price_fen: unitFen, quantity: 2 }],
    coupon_ids: [],
    points_to_use: 0,
    stored_value_fen: 0,
    tenders: [{ method: 'cash', amount_fen: unitFen * 2 }],
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; lines: { line_id: string }[] };
}

const refund = async (
  w: World,
  orderId: string,
  lines?: { line_id: string; quantity: number }[],
) => {
  const res = await postWithKey(w.app, w.m.tokens.manager, `/api/orders/${orderId}/refunds`, {
    reason: '退货',
    ...(lines ? { lines } : {}),
  });
  if (res.statusCode !== 201) console.log(res.body);
  return res;
};

const commissions = (db: Db, m: TestMerchant) =>
  db
    .selectFrom('referral_commission')
    .selectAll()
    .where('merchant_id', '=', m.merchantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

const firstOrderTenPercent = {
  active: true,
  bind_on: 'first_payment',
  binding_window_days: 7,
  rule: 'first_order_percent',
  percent_bp: 1000,
  payout: 'ledger',
};

describe('referral distribution (全民拓客)', () => {
  it('costs nothing and pays nothing for a merchant without rules', async () => {
    const w = await world(null);
    const code = await codeOf(w, w.sharer);
    expect((await invite(w, code, w.newcomer)).statusCode).toBe(201);
    await pay(w, w.newcomer);
    expect(await commissions(w.db, w.m)).toEqual([]);
  });

  it('binds on the first payment and pays 10% of the first order once; refunds reverse it pro rata', async () => {
    const w = await world(firstOrderTenPercent);
    const code = await codeOf(w, w.sharer);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const pending = await invite(w, code.toLowerCase(), w.newcomer);
    expect(pending.statusCode).toBe(201);
    expect(pending.json()).toMatchObject({ referrer_id: w.sharer, status: 'pending' });

    const first = await pay(w, w.newcomer);
    await pay(w, w.newcomer); // not the first order: nothing
    const binding = await w.db
      .selectFrom('referral_binding')
      .selectAll()
      .where('merchant_id', '=', w.m.merchantId)
      .where('member_id', '=', w.newcomer)
      .executeTakeFirstOrThrow();
    expect(binding).toMatchObject({
      status: 'bound',
      bound_via: 'first_payment',
      first_order_id: first.id,
    });
    const member = await w.db
      .selectFrom('member')
      .select('referrer_id')
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', w.newcomer)
      .executeTakeFirstOrThrow();
    expect(member.referrer_id).toBe(w.sharer);
    const [paid, ...rest] = await commissions(w.db, w.m);
    expect(rest).toEqual([]);
    expect(paid).toMatchObject({ order_id: first.id, referrer_id: w.sharer, amount_fen: 1_000 });

    // half the order back, then the other half: the reversals sum to the commission exactly
    const line = first.lines[0]!.line_id;
    expect((await refund(w, first.id, [{ line_id: line, quantity: 1 }])).statusCode).toBe(201);
    expect((await refund(w, first.id, [{ line_id: line, quantity: 1 }])).statusCode).toBe(201);
    const rows = await commissions(w.db, w.m);
    const reversals = rows.filter((r) => r.reverses_id === paid!.id);
    expect(reversals.map((r) => r.amount_fen)).toEqual([-500, -500]);
    expect(reversals.every((r) => r.refund_id !== null)).toBe(true);
    expect(rows.reduce((s, r) => s + r.amount_fen, 0)).toBe(0);

    const account = await w.app.inject({
      method: 'GET',
      url: `/api/members/${w.sharer}/referral`,
      headers: auth(w.m.tokens.cashier),
    });
    expect(account.json().account).toMatchObject({ earned_fen: 0, available_fen: 0 });
  });

  it('pays one commission when the first two orders arrive at once', async () => {
    const w = await world(firstOrderTenPercent);
    expect((await invite(w, await codeOf(w, w.sharer), w.newcomer)).statusCode).toBe(201);
    await Promise.all([pay(w, w.newcomer), pay(w, w.newcomer), pay(w, w.newcomer)]);
    const rows = await commissions(w.db, w.m);
    expect(rows.map((r) => r.amount_fen)).toEqual([1_000]);
  });

  it('refuses self-referral, loops and a second sharer; an old customer is not new', async () => {
    const w = await world(firstOrderTenPercent);
    const code = await codeOf(w, w.sharer);
    const self = await invite(w, code, w.sharer);
    expect(self.statusCode).toBe(422);
    expect(self.json().error).toMatchObject({ code: 'referral.self_referral', field: 'code' });

    expect((await invite(w, code, w.newcomer)).statusCode).toBe(201);
    await pay(w, w.newcomer); // newcomer now bound to sharer
    const back = await invite(w, await codeOf(w, w.newcomer), w.sharer);
    expect(back.statusCode).toBe(422);
    expect(back.json().error.code).toBe('referral.loop');

    const other = await createMember(w.db, w.m.ctx());
    const second = await invite(w, await codeOf(w, other.id), w.newcomer);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('referral.already_bound');

    const unknown = await invite(w, 'ZZZZZZZZ', other.id);
    expect(unknown.statusCode).toBe(404);

    const old = await createMember(w.db, w.m.ctx('owner', new Date(Date.now() - 8 * 86_400_000)));
    await w.db
      .updateTable('member')
      .set({ registered_at: new Date(Date.now() - 8 * 86_400_000) })
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', old.id)
      .execute();
    const late = await invite(w, code, old.id);
    expect(late.statusCode).toBe(422);
    expect(late.json().error.code).toBe('referral.not_new_customer');
    expect(
      await w.db
        .selectFrom('referral_binding')
        .select('member_id')
        .where('merchant_id', '=', w.m.merchantId)
        .execute(),
    ).toHaveLength(1);
  });

  it('pays points on every order within N days and claws them back on a full refund', async () => {
    const w = await world({
      active: true,
      bind_on: 'first_payment',
      binding_window_days: 7,
      rule: 'orders_percent',
      percent_bp: 500,
      rule_days: 30,
      payout: 'points',
      points_per_yuan: 10,
    });
    expect((await invite(w, await codeOf(w, w.sharer), w.newcomer)).statusCode).toBe(201);
    const a = await pay(w, w.newcomer); // ¥100 → 5% = ¥5 → 50 points
    await pay(w, w.newcomer, 10_000); // ¥200 → ¥10 → 100 points
    const points = async () =>
      (
        await w.db
          .selectFrom('ledger_balance')
          .select('balance')
          .where('merchant_id', '=', w.m.merchantId)
          .where('member_id', '=', w.sharer)
          .where('ledger', '=', 'points')
          .executeTakeFirst()
      )?.balance;
    expect(await points()).toBe(150);
    expect((await refund(w, a.id)).statusCode).toBe(201);
    expect(await points()).toBe(100);
    const entries = await w.db
      .selectFrom('ledger_entry')
      .select(['amount', 'kind', 'ref_id'])
      .where('merchant_id', '=', w.m.merchantId)
      .where('member_id', '=', w.sharer)
      .execute();
    expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(100);
    const rows = await commissions(w.db, w.m);
    const reversal = rows.find((r) => r.reverses_id !== null)!;
    expect(reversal).toMatchObject({ points: -50, amount_fen: -500 });
    expect(entries.find((e) => e.kind === 'referral_reversal')?.ref_id).toBe(reversal.reverses_id);
  });

  it('pays stored-value bonus and takes back on refund what is left, never below zero', async () => {
    const w = await world({
      active: true,
      bind_on: 'first_payment',
      binding_window_days: 7,
      rule: 'orders_percent',
      percent_bp: 500,
      rule_days: 30,
      payout: 'bonus',
    });
    expect((await invite(w, await codeOf(w, w.sharer), w.newcomer)).statusCode).toBe(201);
    const a = await pay(w, w.newcomer); // ¥100 → 5% = ¥5
    const b = await pay(w, w.newcomer, 10_000); // ¥200 → ¥10
    const balances = async () => {
      const rows = await w.db
        .selectFrom('ledger_balance')
        .select(['ledger', 'balance'])
        .where('merchant_id', '=', w.m.merchantId)
        .where('member_id', '=', w.sharer)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.ledger, r.balance]));
    };
    const entries = () =>
      w.db
        .selectFrom('ledger_entry')
        .select(['id', 'ledger', 'amount', 'kind', 'ref_type', 'ref_id'])
        .where('merchant_id', '=', w.m.merchantId)
        .where('member_id', '=', w.sharer)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    expect(await balances()).toEqual({ bonus: 1_500 });
    const paid = await commissions(w.db, w.m);
    const credits = await entries();
    expect(credits.map((e) => [e.kind, e.ref_type, e.ref_id])).toEqual(
      paid.map((c) => ['referral_commission', 'referral_commission', c.id]),
    );
    expect(paid.map((c) => c.ledger_entry_id)).toEqual(credits.map((e) => e.id));

    expect((await refund(w, a.id)).statusCode).toBe(201);
    expect(await balances()).toEqual({ bonus: 1_000 });
    // the sharer spends most of the rest before the second order is refunded
    await w.db
      .transaction()
      .execute((trx) =>
        payFromWallet(
          trx,
          w.m.ctx('cashier'),
          w.sharer,
          { amount_fen: 900, order_ref: randomUUID(), store_id: w.storeId },
          { method: 'none' },
        ),
      );
    expect((await refund(w, b.id)).statusCode).toBe(201);
    expect(await balances()).toEqual({ bonus: 0 });
    const after = await entries();
    expect(after.reduce((n, e) => n + e.amount, 0)).toBe(0);
    const reversals = after.filter((e) => e.kind === 'referral_reversal');
    expect(reversals.map((e) => [e.amount, e.ref_type, e.ref_id])).toEqual([
      [-500, 'ledger_entry', credits[0]!.id],
      [-100, 'ledger_entry', credits[1]!.id],
    ]);
    const rows = await commissions(w.db, w.m);
    expect(rows.find((r) => r.id === paid[1]!.id)).toMatchObject({
      payout: 'bonus',
      amount_fen: 1_000,
      unrecovered_fen: 900,
    });
    expect(rows.filter((r) => r.reverses_id !== null).map((r) => r.amount_fen)).toEqual([
      -500, -1_000,
    ]);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const report = await w.app.inject({
      method: 'GET',
      url: `/api/reports/referral?from=${today}&to=${today}`,
      headers: auth(w.m.tokens.marketer),
    });
    expect(report.json().sharers).toEqual([
      expect.objectContaining({ member_id: w.sharer, commission_fen: 0, unrecovered_fen: 900 }),
    ]);
    // not withdrawable: the commission ledger holds nothing
    const account = await w.app.inject({
      method: 'GET',
      url: `/api/members/${w.sharer}/referral`,
      headers: auth(w.m.tokens.cashier),
    });
    expect(account.json().account).toMatchObject({ earned_fen: 0, available_fen: 0 });
  });

  it('binds on claiming a shared coupon and reports per sharer and store', async () => {
    const w = await world({
      ...firstOrderTenPercent,
      bind_on: 'claim',
      rule: 'fixed_new_member',
      fixed_fen: 800,
    });
    const tpl = await postWithKey(w.app, w.m.tokens.marketer, '/api/coupon-templates', {
      name: '新客券',
      benefit: { kind: 'cash_voucher', value_fen: 500 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    });
    expect(tpl.statusCode).toBe(201);
    const code = await codeOf(w, w.sharer);
    const claim = await postWithKey(
      w.app,
      w.m.tokens.cashier,
      `/api/referral/shares/${code}/claim`,
      {
        member_id: w.newcomer,
        template_id: tpl.json().id,
        store_id: w.storeId,
      },
    );
    expect(claim.statusCode).toBe(201);
    expect(claim.json().binding).toMatchObject({ status: 'bound', bound_via: 'claim' });
    const coupon = await w.db
      .selectFrom('coupon')
      .select(['member_id', 'issued_via'])
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', claim.json().coupon_id)
      .executeTakeFirstOrThrow();
    expect(coupon).toEqual({ member_id: w.newcomer, issued_via: 'referral_share' });
    await pay(w, w.newcomer);
    await pay(w, w.newcomer);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const report = await w.app.inject({
      method: 'GET',
      url: `/api/reports/referral?from=${today}&to=${today}`,
      headers: auth(w.m.tokens.marketer),
    });
    expect(report.statusCode).toBe(200);
    expect(report.json().sharers).toEqual([
      expect.objectContaining({
        member_id: w.sharer,
        referees: 1,
        orders: 1,
        sales_fen: 10_000,
        commission_fen: 800,
      }),
    ]);
    expect(report.json().stores).toEqual([
      expect.objectContaining({ store_id: w.storeId, bound: 1, orders: 1, commission_fen: 800 }),
    ]);
  });

  it('withdraws commission within the balance, decided once by the owner', async () => {
    const w = await world(firstOrderTenPercent);
    expect((await invite(w, await codeOf(w, w.sharer), w.newcomer)).statusCode).toBe(201);
    await pay(w, w.newcomer, 20_000); // ¥400 → ¥40
    const url = `/api/members/${w.sharer}/referral/withdrawals`;
    const over = await postWithKey(w.app, w.m.tokens.cashier, url, { amount_fen: 4_001 });
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'referral.withdrawal_over_balance',
      params: { available_fen: 4_000 },
    });
    const ok = await postWithKey(w.app, w.m.tokens.cashier, url, { amount_fen: 3_000 });
    expect(ok.statusCode).toBe(201);
    const again = await postWithKey(w.app, w.m.tokens.cashier, url, { amount_fen: 1_001 });
    expect(again.statusCode).toBe(409);
    const decide = (token: string, decision: string) =>
      w.app.inject({
        method: 'POST',
        url: `/api/referral/withdrawals/${ok.json().id}/decision`,
        headers: auth(token),
        payload: { decision },
      });
    expect((await decide(w.m.tokens.manager, 'approve')).statusCode).toBe(403);
    const approved = await decide(w.m.tokens.owner, 'approve');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decided_by: w.m.staffIds.owner });
    const twice = await decide(w.m.tokens.owner, 'refuse');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('referral.withdrawal_decided');
    const row = await w.db
      .selectFrom('referral_withdrawal')
      .select('status')
      .where('merchant_id', '=', w.m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('approved');
  });

  it('refuses an unknown setting field and a bad rule value, changing nothing', async () => {
    const w = await world(null);
    for (const payload of [{ active: true, merchant_id: w.m.merchantId }, { percent_bp: 10_001 }]) {
      const res = await w.app.inject({
        method: 'PATCH',
        url: '/api/referral/settings',
        headers: auth(w.m.tokens.owner),
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
    const res = await w.app.inject({
      method: 'PATCH',
      url: '/api/referral/settings',
      headers: auth(w.m.tokens.cashier),
      payload: { active: true },
    });
    expect(res.statusCode).toBe(403);
    expect(
      await w.db
        .selectFrom('referral_setting')
        .select('active')
        .where('merchant_id', '=', w.m.merchantId)
        .execute(),
    ).toEqual([]);
  });
});
