import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTemplate, issueCoupon } from '../../src/core/coupons/coupon.service.ts';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { signMemberCode } from '../../src/core/members/member-code.ts';
import { updateCheckoutSetting } from '../../src/core/orders/checkout-setting.service.ts';
import { systemCtx } from '../../src/core/tenancy/system-ctx.ts';
import { setPaymentPassword } from '../../src/core/wallet/payment-password.service.ts';
import { auth, createTestMerchant, PASSWORD, type TestMerchant, testConfig } from '../factories.ts';
import { cash, recharge } from '../wallet-support.ts';
import { type Console, logIn, startConsole } from './harness.ts';
import { credit, seedBakery } from './seed.ts';

/** Issue 8 item 9: a whole sale at the till, a refund, a scanned member code, an offline replay. */
describe('the till (收银台) in a browser', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];
  let couponId: string;

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    const owner = merchant.ctx('owner');
    members = (await seedBakery(c.db, owner, merchant.merchantId)).members;
    await c.db.transaction().execute(async (trx) => {
      // 100 points pay ¥1, at most half of what is left after coupons
      await updateCheckoutSetting(trx, owner, {
        points_per_unit: 100,
        fen_per_unit: 100,
        max_share_bp: 5000,
      });
      const template = await createTemplate(trx, owner, {
        name: '满100减20',
        benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2000 },
        validity: { mode: 'fixed', from: '2026-01-01', to: '2030-12-31' },
        usable_weekdays: null,
        usable_hours: null,
        scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
        stacking: { mode: 'exclusive' },
        total_stock: null,
        per_member_limit: null,
      });
      const coupon = await issueCoupon(trx, owner, {
        template_id: template.id,
        member_id: members[0]!.id,
        via: 'staff',
      });
      couponId = coupon.id;
    });
    await credit(c.db, owner, members[0]!.id, { points: 1_000 });
    // one catalogue SKU, sold everywhere, found at the till by its barcode
    const headers = auth(merchant.tokens.owner);
    const category = await c.app.inject({
      method: 'POST',
      url: '/api/catalogue/categories',
      headers,
      payload: { code: 'drink', name: '饮品' },
    });
    expect(category.statusCode).toBe(201);
    const product = await c.app.inject({
      method: 'POST',
      url: '/api/catalogue/products',
      headers,
      payload: {
        name: '拿铁',
        category_code: 'drink',
        skus: [{ spec: '大杯', price_fen: 2800, barcode: '6901234567892' }],
      },
    });
    expect(product.statusCode).toBe(201);
  });
  afterAll(async () => {
    await c?.close();
  });

  const ordersOf = () =>
    c.db
      .selectFrom('sale_order')
      .selectAll()
      .where('merchant_id', '=', merchant.merchantId)
      .orderBy('number')
      .execute();
  const couponStatus = async () =>
    (
      await c.db
        .selectFrom('coupon')
        .select('status')
        .where('merchant_id', '=', merchant.merchantId)
        .where('id', '=', couponId)
        .executeTakeFirstOrThrow()
    ).status;
  const pointsOf = async (memberId: string) =>
    (
      await c.db
        .selectFrom('ledger_balance')
        .select('balance')
        .where('merchant_id', '=', merchant.merchantId)
        .where('member_id', '=', memberId)
        .where('ledger', '=', 'points')
        .executeTakeFirstOrThrow()
    ).balance;

  async function addLine(page: Page, name: string, category: string, price: string, qty = '1') {
    const adhoc = page.getByTestId('till-adhoc');
    await adhoc.getByLabel('名称').fill(name);
    await adhoc.getByLabel('品类').fill(category);
    await adhoc.getByLabel('单价').fill(price);
    await adhoc.getByLabel('数量').fill(qty);
    await adhoc.getByRole('button', { name: /加\s*入/ }).click();
    await page.getByTestId('till-lines').getByText(name).waitFor();
  }

  it('a scanned member code, a coupon, points and two tenders make one order; then a refund', async () => {
    const { page } = c;
    await page.setViewportSize({ width: 1024, height: 768 });
    await logIn(page, merchant.logins.owner, PASSWORD);
    await page.getByRole('menuitem', { name: '收银台' }).click();
    await page.waitForURL('**/till');

    // the scanner types the member's dynamic code into the search field and presses Enter
    const member = members[0]!;
    const { code } = signMemberCode(
      member.id,
      merchant.merchantId,
      new Date(),
      testConfig().secret,
    );
    const search = page.getByPlaceholder('手机号 / 卡号 / 扫会员码');
    await search.fill(code);
    await search.press('Enter');
    const card = page.getByTestId('till-member-card');
    await card.getByText('1000').waitFor();

    await addLine(page, '生日蛋糕', 'cake', '120');
    // the barcode scanner types into the item field and presses Enter
    const item = page.getByPlaceholder('搜索商品或扫条码');
    await item.fill('6901234567892');
    await item.press('Enter');
    await page.getByTestId('till-lines').getByText('拿铁').waitFor();
    await page
      .getByTestId('till-coupons')
      .getByText(/满100减20/)
      .click();
    await page.getByLabel('使用积分').fill('500');
    // ¥148 − ¥20 coupon − ¥5 for 500 points = ¥123, explained step by step
    const due = page.getByTestId('till-due');
    await expect.poll(() => due.textContent()).toBe('¥123.00');
    const trace = page.getByTestId('till-trace');
    await trace.getByText('优惠券 满100减20 −¥20.00').waitFor();
    await trace.getByText('积分 500 → −¥5.00').waitFor();

    // ¥50 on WeChat Pay, the cash line takes the rest; ¥80 cash handed over gives ¥7 change
    await page.getByRole('button', { name: /组合支付/ }).click();
    const wechat = page.getByTestId('till-tender-0');
    await wechat.getByLabel('支付方式').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '微信支付' }).click();
    await wechat.getByLabel('金额').fill('50');
    const cashLine = page.getByTestId('till-tender-1');
    await expect.poll(() => cashLine.getByLabel('金额').inputValue()).toBe('73.00');
    await cashLine.getByLabel('实收现金').fill('80');
    await page.getByTestId('till-change').getByText('找零 ¥7.00').waitFor();
    // the quote takes both tenders: nothing left to refuse
    await trace.getByText('现金 ¥73.00').waitFor();
    await trace.getByText('微信支付 ¥50.00').waitFor();
    expect(await page.getByTestId('till-quote').locator('.ant-alert').count()).toBe(0);
    await c.screenshot('till-checkout');

    await page.keyboard.press('F9');
    const receipt = page.getByTestId('till-receipt');
    await receipt.getByText('生日蛋糕').waitFor();
    await c.screenshot('till-receipt');

    const [order] = await ordersOf();
    expect(order).toMatchObject({
      member_id: member.id,
      amount_fen: 14_800,
      coupon_discount_fen: 2000,
      points_used: 500,
      points_deduction_fen: 500,
      due_fen: 12_300,
      status: 'paid',
    });
    const tenders = await c.db
      .selectFrom('tender')
      .select(['method', 'amount_fen'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('direction', '=', 'charge')
      .orderBy('method')
      .execute();
    expect(tenders).toEqual([
      { method: 'cash', amount_fen: 7300 },
      { method: 'wechat_pay', amount_fen: 5000 },
    ]);
    expect(await couponStatus()).toBe('redeemed');
    const afterSale = await pointsOf(member.id);
    expect(afterSale).toBe(1000 - 500 + order!.points_earned);

    // the whole order back: the coupon is restored and the points come home
    await page.getByTestId('till-next').click();
    await page.getByRole('button', { name: /退\s*款/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByTestId('till-refund-orders')
      .getByRole('button', { name: /退\s*款/ })
      .click();
    await dialog.getByLabel('退款原因').fill('蛋糕做错了');
    await dialog.getByTestId('till-refund-all').click();
    await dialog.getByText(/已退款 ¥/).waitFor();
    await c.screenshot('till-refund');
    expect((await ordersOf())[0]?.status).toBe('refunded');
    expect(await couponStatus()).toBe('issued');
    expect(await pointsOf(member.id)).toBe(1000);
    await page.keyboard.press('Escape');
    expect(c.pageErrors).toEqual([]);
  });

  it('a balance payment is authorised on the pad the member types the password on', async () => {
    const { page } = c;
    const member = members[1]!;
    await recharge(c.db, merchant.ctx('owner'), member.id, {
      amount_fen: 10_000,
      tenders: cash(10_000),
    });
    await setPaymentPassword(c.db, systemCtx(merchant.merchantId, new Date()), member.id, {
      password: '135790',
    });
    // a cashier now: sells, takes balance payments, does not refund
    await page.evaluate(() => localStorage.removeItem('regulars.token'));
    await logIn(page, merchant.logins.cashier, PASSWORD);
    await page.goto('/till');
    expect(await page.getByRole('button', { name: /退\s*款/ }).count()).toBe(0);
    const search = page.getByPlaceholder('手机号 / 卡号 / 扫会员码');
    // the cashier types the 11 digits the member says
    await search.fill(member.phone!.replace(/^\+86/, ''));
    await search.press('Enter');
    await page.getByTestId('till-member-card').getByText('¥100.00').waitFor();
    await addLine(page, '吐司', 'bread', '30');
    await page.getByLabel('储值支付金额').fill('20');
    await expect
      .poll(() => page.getByTestId('till-tender-0').getByLabel('金额').inputValue())
      .toBe('10.00');

    // a wrong password is refused and nothing is paid; the right one pays once
    const pay = async (digits: string) => {
      await page.getByTestId('till-pay').click();
      const pad = page.getByRole('dialog');
      await pad.getByLabel('请会员输入支付密码').waitFor();
      await page.waitForTimeout(300); // the opening animation: a digit clicked mid-zoom can miss
      for (const d of digits) await pad.getByRole('button', { name: d, exact: true }).click();
      await expect.poll(() => pad.getByLabel('请会员输入支付密码').inputValue()).toHaveLength(6);
      await pad.getByTestId('till-pad-confirm').click();
      // the pad closes at once, the answer comes after
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    };
    await pay('111111');
    await page
      .getByText(/支付密码/)
      .first()
      .waitFor();
    expect((await ordersOf()).filter((o) => o.member_id === member.id)).toEqual([]);
    await c.screenshot('till-password-pad');
    await pay('135790');
    await page.getByTestId('till-receipt').getByText('吐司').waitFor();
    const paid = (await ordersOf()).filter((o) => o.member_id === member.id);
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ due_fen: 3000, principal_fen: 2000, tender_fen: 1000 });
    await page.getByTestId('till-next').click();
    expect(c.pageErrors).toEqual([]);
  });

  it('sales entered while the server is unreachable are queued and replayed in order, once each', async () => {
    const { page } = c;
    await page.goto('/till');
    await page.getByTestId('till-page').waitFor();
    const before = (await ordersOf()).length;
    await page.context().setOffline(true);
    onTestFinished(() => page.context().setOffline(false));
    for (const [name, price] of [
      ['法棍', '18'],
      ['可颂', '12'],
    ] as const) {
      await addLine(page, name, 'bread', price);
      await page.getByText('服务器无法连接').waitFor();
      await page.getByTestId('till-pay').click();
      await page.getByText('网络中断：本单已保存在本机').first().waitFor();
    }
    await page.getByTestId('till-queue').getByText('待补传 2 单').waitFor();
    await c.screenshot('till-offline-queue');
    expect((await ordersOf()).length).toBe(before);

    await page.context().setOffline(false);
    await page.getByText('已补传 2 单').waitFor();
    await expect.poll(async () => (await page.getByTestId('till-queue').count()) === 0).toBe(true);
    const replayed = (await ordersOf()).slice(before);
    expect(replayed.map((o) => [o.due_fen, o.member_id])).toEqual([
      [1800, null],
      [1200, null],
    ]);
    // nothing left to send again: a second replay finds an empty queue
    await page.reload();
    await page.getByTestId('till-page').waitFor();
    await page.waitForTimeout(1500);
    expect((await ordersOf()).length).toBe(before + 2);
    expect(c.pageErrors).toEqual([]);
  });

  it('fits a 390 px phone', async () => {
    const { page } = c;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/till');
    await page.getByPlaceholder('手机号 / 卡号 / 扫会员码').waitFor();
    await addLine(page, '牛角包', 'bread', '9.9');
    await page.getByTestId('till-due').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await c.screenshot('till-phone');
    expect(c.pageErrors).toEqual([]);
  });
});
