import { resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { cash, createPlan, pay, recharge, S9_PLAN } from '../wallet-support.ts';
import { type Console, startConsole } from './harness.ts';
import { credit, seedBakery } from './seed.ts';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 1024, height: 768 };
const UPRIGHT_TABLET = { width: 768, height: 1024 };

/** A page of its own at a viewport, logged in as `login`, that records what the browser refused. */
async function openAs(c: Console, viewport: { width: number; height: number }, login: string) {
  const context = await c.browser.newContext({
    baseURL: c.baseUrl,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto('/login');
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  return { context, page, problems };
}

const shot = (page: Page, name: string) =>
  page
    .waitForTimeout(400)
    .then(() => page.screenshot({ path: resolve('docs/screenshots', `${name}.png`) }));

/** The element is wholly inside the viewport: a person can see it and tap it without scrolling. */
async function expectInViewport(page: Page, locator: Locator) {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  expect(box, 'visible').not.toBeNull();
  if (!box || !viewport) return;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

/** Nothing wider than the screen: no sideways scrolling on a phone. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('console layout on phones and tablets', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    const owner = merchant.ctx('owner');
    ({ members } = await seedBakery(c.db, owner, merchant.merchantId));
    await createPlan(c.db, owner, S9_PLAN);
    await createPlan(c.db, owner, { name: '充300送30', price_fen: 30_000, bonus_fen: 3_000 });
    await createPlan(c.db, owner, { name: '充500送80', price_fen: 50_000, bonus_fen: 8_000 });
    // today's figures: two recharges, one balance payment, points
    await recharge(c.db, owner, members[0]!.id, { amount_fen: 20_000, tenders: cash(20_000) });
    await recharge(c.db, owner, members[1]!.id, { amount_fen: 8_800, tenders: cash(8_800) });
    await pay(c.db, owner, members[0]!.id, 3_500);
    await credit(c.db, owner, members[2]!.id, { points: 260 });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await c?.close();
  });

  it("home page: today's figures in the merchant's day, the menu grouped 会员 · 营销 · 数据 · 设置", async () => {
    const { context, page, problems } = await openAs(c, TABLET, merchant.logins.owner);
    contexts.push(context);
    await page.waitForURL((url) => url.pathname === '/');
    const figure = (id: string) =>
      page.getByTestId(id).locator('.ant-statistic-content-value').textContent();
    await expect.poll(() => figure('today-new-members')).toBe(String(members.length));
    expect(await figure('today-recharges')).toBe('¥288.00');
    expect(await page.getByTestId('today-recharges').textContent()).toContain('2 笔');
    expect(await figure('today-payments')).toBe('¥35.00');
    expect(await figure('today-points')).toBe('260');
    const today = new Intl.DateTimeFormat('zh-CN', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'long',
    }).format(new Date());
    expect(await page.getByTestId('today-date').textContent()).toContain(today);

    const menu = page.getByTestId('nav-menu');
    const groups = await menu.locator('.ant-menu-item-group-title').allTextContents();
    expect(groups).toEqual(['会员', '营销', '数据', '设置']);
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
      '首页',
      '收银台',
      '会员列表',
      '导入',
      '等级',
      '付费卡',
      '积分规则',
      '积分商城',
      '充值方案',
      '优惠券',
      '券记录',
      '营销活动',
      '自动化营销',
      '消息',
      '标签管理',
      '客户分群',
      '全民拓客',
      '导购任务',
      '负债报表',
      'RFM 分析',
      '储值结算',
      '商品管理',
      '门店',
      '员工',
      'API 密钥',
      '开放接口 Webhook',
    ]);
    await shot(page, 'home');

    // the till's search goes to the member list
    const search = page.getByPlaceholder('手机号、卡号或扫会员码，查找会员');
    await search.fill(members[0]!.card_no);
    await search.press('Enter');
    await page.waitForURL(/\/members\?q=/);
    await page.getByText(members[0]!.name!).first().waitFor();
    expect(problems).toEqual([]);
  });

  it("each role's menu shows what it can reach: the marketer's marketing and reports", async () => {
    const menuOf = async (login: string) => {
      const { context, page, problems } = await openAs(c, TABLET, login);
      contexts.push(context);
      await page.getByTestId('nav-menu').getByRole('menuitem').first().waitFor();
      const items = await page.getByTestId('nav-menu').getByRole('menuitem').allTextContents();
      const groups = await page.getByTestId('nav-menu').locator('.ant-menu-item-group-title');
      return { items, groups: await groups.allTextContents(), page, problems };
    };
    const marketer = await menuOf(merchant.logins.marketer);
    expect(marketer.groups).toEqual(['会员', '营销', '数据']);
    expect(marketer.items).toEqual([
      '首页',
      '会员列表',
      '积分规则',
      '积分商城',
      '优惠券',
      '券记录',
      '营销活动',
      '自动化营销',
      '消息',
      '标签管理',
      '客户分群',
      '全民拓客',
      '导购任务',
      '负债报表',
      'RFM 分析',
      '储值结算',
    ]);
    await marketer.page.waitForURL((url) => url.pathname === '/');
    await shot(marketer.page, 'home-marketer');
    // and each of those pages opens for the marketer without a refused request
    for (const [item, path] of [
      ['积分规则', '/points-rules'],
      ['积分商城', '/mall'],
      ['负债报表', '/reports/liability'],
      ['券记录', '/coupon-records'],
    ]) {
      await marketer.page.getByTestId('nav-menu').getByRole('menuitem', { name: item }).click();
      await marketer.page.waitForURL(`**${path}`);
      await marketer.page.waitForLoadState('networkidle');
    }

    const cashier = await menuOf(merchant.logins.cashier);
    expect(cashier.groups).toEqual(['会员', '营销']);
    expect(cashier.items).toEqual(['收银台', '会员列表', '优惠券', '券记录', '导购任务']);
    // a cashier starts on the till
    await cashier.page.waitForURL('**/till');
    expect([...marketer.problems, ...cashier.problems]).toEqual([]);
  });

  it('at 390 px the menu is a drawer, the member page fits and the recharge confirm button is on screen', async () => {
    const { context, page, problems } = await openAs(c, PHONE, merchant.logins.cashier);
    contexts.push(context);
    await page.waitForURL('**/till');
    await page.goto('/members');
    await page.getByText(members[3]!.name!).first().waitFor();
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'phone-members');

    await page.getByTestId('nav-toggle').click();
    const drawer = page.locator('.ant-drawer-open');
    await drawer.getByRole('menuitem', { name: '会员列表' }).waitFor();
    await shot(page, 'phone-menu');
    // the page it is on: the drawer closes all the same
    await drawer.getByRole('menuitem', { name: '会员列表' }).click();
    await expect.poll(() => page.locator('.ant-drawer-open').count()).toBe(0);

    const member = members[4]!;
    await page.goto(`/members/${member.id}`);
    await page.getByTestId('member-title').getByText(member.name!).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'phone-member-detail');

    await page.getByRole('button', { name: /充\s*值/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(S9_PLAN.name).click();
    const confirm = dialog.getByRole('button', { name: /确认收款/ });
    await confirm.waitFor();
    await page.waitForTimeout(400); // the dialog's zoom-in
    await expectInViewport(page, confirm);
    await expectInViewport(page, dialog.locator('.ant-modal-container'));
    await shot(page, 'phone-recharge');
    await confirm.click();
    await dialog.getByTestId('recharge-result').getByText('充值成功 ¥100.00').waitFor();
    const rows = await c.db
      .selectFrom('recharge')
      .select(['price_fen', 'bonus_fen'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    expect(rows).toEqual([{ price_fen: 10_000, bonus_fen: 10_000 }]);
    await dialog.getByRole('button', { name: /完\s*成/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(problems).toEqual([]);
  });

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['tablet', TABLET],
  ] as const) {
    it(`${name} (${viewport.width}×${viewport.height}): the balance payment's confirm button is on screen`, async () => {
      const { context, page, problems } = await openAs(c, viewport, merchant.logins.cashier);
      contexts.push(context);
      const member = members[0]!; // ¥200 recharged, ¥35 spent
      await page.goto(`/members/${member.id}`);
      await page.getByTestId('member-title').getByText(member.name!).waitFor();
      await page.getByRole('button', { name: '余额支付' }).click();
      const dialog = page.getByRole('dialog');
      const confirm = dialog.getByRole('button', { name: '确认扣款' });
      await confirm.waitFor();
      await page.waitForTimeout(400);
      await expectInViewport(page, confirm);
      await dialog.getByLabel('支付金额').fill('12');
      await dialog.getByLabel('单号').fill(`L-${name}`);
      await expectInViewport(page, confirm);
      await shot(page, `${name}-pay`);
      await confirm.click();
      await dialog.getByTestId('pay-result').getByText('已扣款 ¥12.00').waitFor();
      const paid = await c.db
        .selectFrom('wallet_payment')
        .select('amount_fen')
        .where('merchant_id', '=', merchant.merchantId)
        .where('order_ref', '=', `L-${name}`)
        .execute();
      expect(paid).toEqual([{ amount_fen: 1200 }]);
      expect(problems).toEqual([]);
    });
  }

  it('at 768 px upright the menu is a drawer and the home page stacks its figures', async () => {
    const { context, page, problems } = await openAs(c, UPRIGHT_TABLET, merchant.logins.manager);
    contexts.push(context);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('today-recharges').waitFor();
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    await page.getByTestId('nav-toggle').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(UPRIGHT_TABLET.width);
    await shot(page, 'tablet-home');
    expect(problems).toEqual([]);
  });

  it('the API reference renders offline: every request to our own server, no CSP violation', async () => {
    const context = await c.browser.newContext({ baseURL: c.baseUrl, viewport: TABLET });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== c.baseUrl) elsewhere.push(request.url());
    });
    await page.goto('/docs/');
    await page.getByText('Regulars API', { exact: true }).first().waitFor();
    await page.getByText('Download OpenAPI Document').first().waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'api-docs');
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('first load of the console is ≤ 400 kB transferred: login page, home page, member list', async () => {
    /** Every byte the browser receives for a cold load of `url`, headers included. */
    async function firstLoad(
      url: string,
      token: string | null,
      ready: (page: Page) => Promise<unknown>,
    ) {
      const context = await c.browser.newContext({ baseURL: c.baseUrl, viewport: TABLET });
      contexts.push(context);
      const page = await context.newPage();
      if (token) await page.addInitScript((t) => localStorage.setItem('regulars.token', t), token);
      const sizes: Promise<number>[] = [];
      page.on('response', (response) =>
        sizes.push(
          response
            .request()
            .sizes()
            .then((s) => s.responseBodySize + s.responseHeadersSize),
        ),
      );
      await page.goto(url);
      await ready(page);
      await page.waitForLoadState('networkidle');
      return (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    }
    const login = await firstLoad('/login', null, (page) => page.getByLabel('登录名').waitFor());
    const home = await firstLoad('/', merchant.tokens.owner, (page) =>
      page
        .getByTestId('today-recharges')
        .getByText(/\d+ 笔/)
        .waitFor(),
    );
    const list = await firstLoad('/members', merchant.tokens.cashier, (page) =>
      page.getByText(members[0]!.name!).first().waitFor(),
    );
    console.log(`first load: login ${login} B, home ${home} B, member list ${list} B`);
    for (const bytes of [login, home, list]) {
      expect(bytes).toBeGreaterThan(100_000); // it did load the console
      expect(bytes).toBeLessThanOrEqual(400_000);
    }
  }, 90_000);
});
