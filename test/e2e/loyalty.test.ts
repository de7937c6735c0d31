import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { systemCtx } from '../../src/core/tenancy/system-ctx.ts';
import { createTier } from '../../src/core/tiers/tier.service.ts';
import { grantGrowth } from '../../src/core/tiers/tier-member.service.ts';
import { setPaymentPassword } from '../../src/core/wallet/payment-password.service.ts';
import { updateWalletSetting } from '../../src/core/wallet/wallet-setting.service.ts';
import { createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { cash, createPlan, recharge, S9_PLAN } from '../wallet-support.ts';
import { type Console, logIn, startConsole } from './harness.ts';
import { credit, seedBakery } from './seed.ts';

/** "YYYY-MM" of the month `offset` months after this one, in Asia/Shanghai. */
function shanghaiMonth(offset: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'numeric',
  }).formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value) - 1 + offset;
  const y = year + Math.floor(month / 12);
  return `${y}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/**
 * antd ignores clicks on a loading button, and a refused request may still show it loading
 * for a moment after its error is on screen: a retry waits for the button to settle.
 */
async function clickWhenIdle(button: Locator): Promise<void> {
  await expect.poll(() => button.getAttribute('class')).not.toContain('ant-btn-loading');
  await button.click();
}

/** 00:00 on the 1st of "YYYY-MM" in Shanghai (UTC+8, no daylight saving). */
const shanghaiMidnight = (ym: string) => new Date(`${ym}-01T00:00:00+08:00`);

/** Issue 4 in the console: a cashier's recharge with monthly bonus, balance payment, setup, reports. */
describe('loyalty economy in a browser', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];
  let storeNames: string[];

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    const owner = merchant.ctx('owner');
    const seeded = await seedBakery(c.db, owner, merchant.merchantId);
    members = seeded.members;
    storeNames = seeded.stores.map((s) => s.name);
    // S9: pay ¥100 get ¥100, ¥20 a month for the next 5 months; and a plain pay-300-get-30
    await createPlan(c.db, owner, S9_PLAN);
    const quick = await createPlan(c.db, owner, {
      name: '充300送30',
      price_fen: 30_000,
      bonus_fen: 3_000,
    });
    // stored value and points at both stores, so the liability report has something to show
    await recharge(c.db, owner, members[1]!.id, { plan_id: quick.id, tenders: cash(30_000) });
    await recharge(c.db, owner, members[4]!.id, { amount_fen: 12_345, tenders: cash(12_345) });
    await credit(c.db, owner, members[3]!.id, { points: 800 });
    await credit(c.db, owner, members[5]!.id, { points: 1_500 });
    await c.db
      .transaction()
      .execute((trx) => createTier(trx, owner, { name: '银卡', threshold: 0, discount_bp: 200 }));
  });
  afterAll(async () => {
    await c?.close();
  });

  const rechargesOf = (memberId: string) =>
    c.db
      .selectFrom('recharge')
      .select(['id', 'price_fen', 'bonus_fen', 'status'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', memberId)
      .execute();

  it('a cashier recharges with an instalment plan and sees the monthly bonus parts', async () => {
    const { page } = c;
    const member = members[2]!;
    await logIn(page, merchant.logins.cashier, PASSWORD);
    // a cashier sees no setup pages or reports
    expect(await page.getByRole('menuitem', { name: '充值方案' }).count()).toBe(0);
    expect(await page.getByRole('menuitem', { name: '负债报表' }).count()).toBe(0);
    await page.goto(`/members/${member.id}`);
    await page.getByTestId('member-title').getByText(member.name!).waitFor();

    await page.getByRole('button', { name: /充\s*值/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(S9_PLAN.name).click();
    // the single tender follows the price; pay by Alipay
    await dialog.getByLabel('支付方式').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '支付宝' }).click();
    const amount = dialog.getByLabel('金额', { exact: true });
    await expect.poll(() => amount.inputValue()).toBe('100.00');
    // the till took ¥90 by mistake: refused on the tenders, nothing recorded
    await amount.fill('90');
    await dialog.getByRole('button', { name: '确认收款 ¥100.00' }).click();
    await dialog.getByText(/支付方式金额之和必须等于应付金额；应收 ¥100.00，已收 ¥90.00/).waitFor();
    expect(await rechargesOf(member.id)).toEqual([]);

    await amount.fill('100');
    await clickWhenIdle(dialog.getByRole('button', { name: '确认收款 ¥100.00' }));
    const result = dialog.getByTestId('recharge-result');
    await result.getByText('充值成功 ¥100.00').waitFor();
    const parts = dialog.getByTestId('recharge-parts').locator('.ant-table-row');
    await expect.poll(() => parts.count()).toBe(5);
    for (let i = 0; i < 5; i++) {
      const text = await parts.nth(i).textContent();
      expect(text).toContain(`第 ${i + 1} 期`);
      expect(text).toContain('¥20.00');
      expect(text).toContain(shanghaiMonth(i + 1));
      expect(text).toContain('未到账');
    }
    await c.screenshot('recharge');
    await dialog.getByRole('button', { name: /完\s*成/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    // the member page now shows the wallet with principal and the parts to come
    await page.getByRole('tab', { name: '储值' }).click();
    const wallet = page.getByTestId('wallet-tab');
    await expect
      .poll(() => wallet.getByTestId('bonus-parts').locator('.ant-table-row').count())
      .toBe(5);
    const walletText = await wallet.textContent();
    expect(walletText).toContain('储值本金¥100.00');
    expect(walletText).toContain('待返还赠送金¥100.00');
    expect(await page.getByTestId('member-balances').textContent()).toContain('¥100.00');

    // the database: one recharge, principal posted, five pending parts, the Alipay tender
    const recharges = await rechargesOf(member.id);
    expect(recharges).toEqual([
      { id: expect.any(String), price_fen: 10_000, bonus_fen: 10_000, status: 'completed' },
    ]);
    const rc = recharges[0]!;
    const entries = await c.db
      .selectFrom('ledger_entry')
      .select(['ledger', 'kind', 'amount', 'balance_after', 'ref_type', 'ref_id'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    expect(entries).toEqual([
      {
        ledger: 'principal',
        kind: 'recharge',
        amount: 10_000,
        balance_after: 10_000,
        ref_type: 'recharge',
        ref_id: rc.id,
      },
    ]);
    const bonusParts = await c.db
      .selectFrom('bonus_part')
      .select(['seq', 'amount_fen', 'remaining_fen', 'status', 'available_from', 'expires_at'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('recharge_id', '=', rc.id)
      .orderBy('seq')
      .execute();
    expect(bonusParts).toEqual(
      [1, 2, 3, 4, 5].map((k, seq) => ({
        seq,
        amount_fen: 2_000,
        remaining_fen: 2_000,
        status: 'pending',
        available_from: shanghaiMidnight(shanghaiMonth(k)),
        expires_at: shanghaiMidnight(shanghaiMonth(k + 1)),
      })),
    );
    const tenders = await c.db
      .selectFrom('tender')
      .select(['method', 'amount_fen', 'direction'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('ref_id', '=', rc.id)
      .execute();
    expect(tenders).toEqual([{ method: 'alipay', amount_fen: 10_000, direction: 'charge' }]);
  });

  it('pays from the balance with the payment password: a wrong one shows the tries left', async () => {
    const { page } = c;
    const member = members[2]!;
    const owner = merchant.ctx('owner');
    // the member sets the first password in their own channel (the till cannot)
    await setPaymentPassword(c.db, systemCtx(merchant.merchantId, new Date()), member.id, {
      password: '135790',
    });
    await c.db
      .transaction()
      .execute((trx) => updateWalletSetting(trx, owner, { password_threshold_fen: 0 }));

    await page.reload();
    await page.getByRole('button', { name: '余额支付' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('支付金额').fill('30');
    await dialog.getByLabel('单号').fill('B-0001');
    await dialog.getByLabel('支付密码').fill('000000');
    await dialog.getByRole('button', { name: '确认扣款' }).click();
    await dialog.getByText('支付密码错误；还可尝试 4 次').waitFor();
    const tries = await c.db
      .selectFrom('payment_password')
      .select('failed_tries')
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(tries.failed_tries).toBe(1);

    await dialog.getByLabel('支付密码').fill('135790');
    await clickWhenIdle(dialog.getByRole('button', { name: '确认扣款' }));
    await dialog.getByTestId('pay-result').getByText('已扣款 ¥30.00').waitFor();
    const payments = await c.db
      .selectFrom('wallet_payment')
      .select(['order_ref', 'amount_fen', 'principal_fen', 'bonus_fen', 'auth'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    // the parts are not open yet, so all of it comes from principal
    expect(payments).toEqual([
      {
        order_ref: 'B-0001',
        amount_fen: 3_000,
        principal_fen: 3_000,
        bonus_fen: 0,
        auth: 'password',
      },
    ]);
    await dialog.getByRole('button', { name: /完\s*成/ }).click();
    await page.getByRole('tab', { name: '储值' }).click();
    await page.getByTestId('payments-table').getByText('B-0001').waitFor();
  });

  it('grants points with a reason; above the cashier ceiling it is refused with the ceiling', async () => {
    const { page } = c;
    const member = members[2]!;
    await page.getByRole('button', { name: '赠送积分' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('积分').fill('300');
    await dialog.getByLabel('原因').fill('建议被采纳');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText(/需店主操作；您的上限为 100 积分/).waitFor();
    await dialog.getByLabel('积分').fill('100');
    await clickWhenIdle(dialog.getByRole('button', { name: /确\s*定/ }));
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: '积分' }).click();
    await page.getByTestId('points-entries').getByText('建议被采纳').waitFor();
    const grants = await c.db
      .selectFrom('ledger_entry')
      .select(['kind', 'amount', 'memo'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .where('ledger', '=', 'points')
      .execute();
    expect(grants).toEqual([{ kind: 'grant', amount: 100, memo: '建议被采纳' }]);
  });

  it('an owner creates a tier in the setup page (a taken threshold is refused on its field)', async () => {
    const { page } = c;
    // sign out from the list, so that the login page sends the owner back to /members
    await page.goto('/members');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await logIn(page, merchant.logins.owner, PASSWORD);
    await page.getByRole('menuitem', { name: '等级' }).click();
    await page.getByTestId('tiers-table').getByText('银卡').waitFor();
    await page.getByRole('button', { name: '新建等级' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('等级名称').fill('金卡');
    await dialog.getByLabel('成长值门槛').fill('0');
    // a discount is entered as the merchant says it: 9.5 折 is 5 % off (discount_bp 500)
    await dialog.getByLabel('折扣').fill('9.5');
    await dialog.getByLabel('积分倍数', { exact: true }).fill('1.5');
    await dialog.getByRole('button', { name: '添加权益' }).click();
    await dialog.getByPlaceholder('名称').fill('免费升杯');
    await dialog.getByPlaceholder('每月次数').fill('2');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('已有等级使用相同的门槛').waitFor();

    await dialog.getByLabel('成长值门槛').fill('1000');
    await clickWhenIdle(dialog.getByRole('button', { name: /确\s*定/ }));
    const row = page
      .getByTestId('tiers-table')
      .locator('.ant-table-row')
      .filter({ hasText: '金卡' });
    await row.waitFor();
    expect(await row.textContent()).toContain('9.5 折');
    expect(await row.textContent()).toContain('免费升杯 · 每月 2 次');
    const tiers = await c.db
      .selectFrom('tier')
      .select(['name', 'threshold', 'discount_bp', 'points_multiplier_bp', 'rights'])
      .where('merchant_id', '=', merchant.merchantId)
      .orderBy('threshold')
      .execute();
    expect(tiers).toEqual([
      { name: '银卡', threshold: 0, discount_bp: 200, points_multiplier_bp: 10_000, rights: [] },
      {
        name: '金卡',
        threshold: 1000,
        discount_bp: 500,
        points_multiplier_bp: 15_000,
        // the code is made from the name (a Chinese name: a short random code), never typed
        rights: [
          { code: expect.stringMatching(/^r_[a-z0-9]{6}$/), name: '免费升杯', monthly_uses: 2 },
        ],
      },
    ]);
    const rightCode = (tiers[1]?.rights[0] as { code: string } | undefined)?.code ?? '';
    await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
    await c.screenshot('tiers');

    // a member who reaches 1,000 growth is in the new tier and uses its right at the counter
    const member = members[6]!;
    await c.db
      .transaction()
      .execute((trx) =>
        grantGrowth(trx, merchant.ctx('owner'), member.id, { growth: 1000, reason: '活动' }),
      );
    await page.goto(`/members/${member.id}`);
    const card = page.getByTestId('tier-card');
    await card.getByText('金卡').waitFor();
    await card.getByText('免费升杯：本月剩余 2 / 2 次').waitFor();
    await card.getByRole('button', { name: '使用一次' }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await card.getByText('免费升杯：本月剩余 1 / 2 次').waitFor();
    const uses = await c.db
      .selectFrom('tier_right_use')
      .select(['right_code', 'member_id'])
      .where('merchant_id', '=', merchant.merchantId)
      .execute();
    expect(uses).toEqual([{ right_code: rightCode, member_id: member.id }]);
  });

  it('shows stored value liability per store (principal vs bonus) and points liability', async () => {
    const { page } = c;
    await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
    await page.getByRole('menuitem', { name: '负债报表' }).click();
    const table = page.getByTestId('wallet-liability-table');
    await table.getByText(storeNames[1]!).waitFor();
    const balances = await c.db
      .selectFrom('ledger_balance')
      .select(['ledger', (eb) => eb.fn.sum<string>('balance').as('total')])
      .where('merchant_id', '=', merchant.merchantId)
      .groupBy('ledger')
      .execute();
    const total = (ledger: string) => Number(balances.find((b) => b.ledger === ledger)?.total ?? 0);
    // 300 + 123.45 + 100 − 30 principal; 30 bonus at once; 100 in parts still to come
    expect(total('principal')).toBe(30_000 + 12_345 + 10_000 - 3_000);
    expect(total('bonus')).toBe(3_000);
    const totals = await page.getByTestId('wallet-liability-totals').textContent();
    expect(totals).toContain('本金¥493.45');
    expect(totals).toContain('赠送金¥30.00');
    expect(totals).toContain('待返还赠送金¥100.00');
    // points: 800 + 1,500 imported + 100 granted, all this month
    expect(total('points')).toBe(2_400);
    const points = page.getByTestId('points-liability-totals');
    await expect.poll(() => points.textContent()).toContain('发放2,400');
    expect(await points.textContent()).toContain('未使用（期末）2,400');
    await page.getByTestId('wallet-liability-chart').locator('canvas').first().waitFor();
    await page.getByTestId('points-liability-chart').locator('canvas').first().waitFor();
    await page.mouse.move(1270, 790); // no hover highlight in the picture
    await c.screenshot('liability');
    expect(c.pageErrors).toEqual([]);
  });
});
