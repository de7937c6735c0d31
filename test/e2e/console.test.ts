import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { signMemberCode } from '../../src/core/members/member-code.ts';
import { createTestMerchant, PASSWORD, type TestMerchant, testConfig } from '../factories.ts';
import { type Console, startConsole } from './harness.ts';
import { credit, seedBakery, uniquePhone } from './seed.ts';

/** Log in, register, search, merge and switch language in the built console, in Chromium. */
describe('console in a browser', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    ({ members } = await seedBakery(c.db, merchant.ctx('owner'), merchant.merchantId));
  });
  afterAll(async () => {
    await c?.close();
  });

  const staffRow = () =>
    c.db
      .selectFrom('staff')
      .select(['id', 'failed_logins'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('login', '=', merchant.logins.owner)
      .executeTakeFirstOrThrow();
  const memberCount = async () =>
    Number(
      (
        await c.db
          .selectFrom('member')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('merchant_id', '=', merchant.merchantId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a wrong password with the server message, then logs in to the members list', async () => {
    const { page } = c;
    await page.goto('/members');
    await page.waitForURL('**/login');
    await page.getByLabel('登录名').fill(merchant.logins.owner);
    await c.screenshot('login');
    await page.getByLabel('密码').fill('wrong-password-1');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('账号或密码错误');
    expect((await staffRow()).failed_logins).toBe(1);

    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL('**/members');
    await page.getByText('王芳').waitFor();
    expect(await page.getByTestId('merchant-name').textContent()).toBe('稻香烘焙（测试）');
    expect((await staffRow()).failed_logins).toBe(0);
    // the wrong password just tried is reported once logged in, until dismissed
    await expect
      .poll(() => page.getByTestId('login-notice').textContent())
      .toContain('有人 1 次用错误的密码尝试登录您的账号');
    await page.locator('.ant-notification-notice-close').click();
    await page.getByTestId('login-notice').waitFor({ state: 'detached' });
    const sessions = await c.db
      .selectFrom('staff_session')
      .select('token_hash')
      .where('staff_id', '=', (await staffRow()).id)
      .execute();
    expect(sessions.length).toBe(2); // the factory's and the browser's
    expect(await page.locator('.ant-table-row').count()).toBe(members.length);
    await c.screenshot('members');
  });

  it('registers a member (a bad phone is refused on its field) and finds it by phone', async () => {
    const { page } = c;
    const before = await memberCount();
    await page.getByRole('button', { name: '登记会员' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByLabel('手机号').fill('12345');
    await drawer.getByLabel('姓名').fill('林小满');
    await drawer.getByText('女', { exact: true }).click();
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    await drawer.getByText('手机号格式不正确').waitFor();
    expect(await memberCount()).toBe(before);

    await drawer.getByLabel('手机号').fill('138 0013 8000');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText(/会员已登记：8801/).waitFor();
    // the drawer hands focus back to its opener when it has closed; type only after that
    await drawer.waitFor({ state: 'hidden' });
    const row = await c.db
      .selectFrom('member')
      .selectAll()
      .where('merchant_id', '=', merchant.merchantId)
      .where('phone', '=', '+8613800138000')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: '林小满', gender: 'female', status: 'active' });
    expect(await memberCount()).toBe(before + 1);

    await page.getByPlaceholder('手机号、卡号、姓名或扫会员码').fill('13800138000');
    await page.getByPlaceholder('手机号、卡号、姓名或扫会员码').press('Enter');
    await page.waitForURL(/q=13800138000/);
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    expect(await page.locator('.ant-table-row').textContent()).toContain(row.card_no);
    expect(await page.locator('.ant-table-row').textContent()).toContain('林小满');

    // the export carries the same filter and the session header
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv).toContain(row.card_no);
    expect(csv).not.toContain('王芳');
  });

  it('the list counts members, shows tier, points and balance, filters, sorts and finds a scanned member code', async () => {
    const { page } = c;
    const ctx = merchant.ctx('owner');
    const [rich, scanned] = [members[2]!, members[4]!];
    await credit(c.db, ctx, rich.id, { points: 900, principal: 30_000 });
    await page.goto('/members');
    const footer = page.locator('.ant-table-footer');
    await expect.poll(() => footer.textContent()).toContain(`共 ${await memberCount()} 位会员`);
    for (const header of ['等级', '积分', '储值余额'])
      expect(await page.getByRole('columnheader', { name: header }).count()).toBe(1);

    await page.getByTestId('filter-points_min').fill('500');
    await page.waitForURL(/points_min=500/);
    await expect.poll(() => footer.textContent()).toContain('共 1 位会员');
    expect(await page.locator('.ant-table-row').textContent()).toContain('¥300.00');

    // sorting by balance, richest first: the key and the cursor live in the URL
    await page.goto('/members');
    await page.getByRole('columnheader', { name: '储值余额' }).click();
    await page.waitForURL(/sort=balance/);
    await expect
      .poll(() => page.locator('.ant-table-row').first().textContent())
      .toContain(rich.name!);

    // a scanner types the dynamic member code into the search box
    const { code } = signMemberCode(
      scanned.id,
      merchant.merchantId,
      new Date(),
      testConfig().secret,
    );
    await page.getByPlaceholder('手机号、卡号、姓名或扫会员码').fill(code);
    await page.getByPlaceholder('手机号、卡号、姓名或扫会员码').press('Enter');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    expect(await page.locator('.ant-table-row').textContent()).toContain(scanned.card_no);
  });

  it('the audit log reads as words: who did it and which field got which value, no raw JSON', async () => {
    const { page } = c;
    const member = members[5]!;
    await page.goto(`/members/${member.id}`);
    await page.getByRole('tab', { name: /操作日志/ }).click();
    const audit = page.getByTestId('audit-table');
    await audit.getByText('登记会员').waitFor();
    expect(await audit.textContent()).toContain('Owner');
    expect(await audit.textContent()).toContain('手机号：');
    expect(await audit.textContent()).not.toContain('{"');
  });

  it('merges two members: the survivor holds both balances and both sides show the merge', async () => {
    const { page } = c;
    const ctx = merchant.ctx('owner');
    const [survivor, merged] = [members[0]!, members[1]!];
    await credit(c.db, ctx, merged.id, { points: 500, principal: 10_000 });
    await credit(c.db, ctx, survivor.id, { points: 120 });

    await page.goto(`/members/${survivor.id}`);
    await page.getByTestId('member-title').getByText('王芳').waitFor();
    // a WeChat openid linked here stays with the survivor
    await page.getByRole('tab', { name: /渠道身份/ }).click();
    await page.getByPlaceholder('值').fill('o6_bmjrPTlm6_2sgVt7hMZOPfL2M');
    await page.getByRole('button', { name: '绑定身份' }).click();
    await page.getByRole('cell', { name: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' }).waitFor();
    await page.getByRole('button', { name: '合并会员' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByPlaceholder('查找另一位会员').fill(uniquePhone());
    await dialog.getByPlaceholder('查找另一位会员').press('Enter');
    await dialog.getByText('没有找到这位会员').waitFor();
    await dialog.getByPlaceholder('查找另一位会员').fill(merged.phone!.slice(3));
    await dialog.getByPlaceholder('查找另一位会员').press('Enter');
    await dialog.getByTestId(`merge-side-${merged.card_no}`).waitFor();
    expect(await dialog.getByTestId(`merge-side-${merged.card_no}`).textContent()).toContain(
      '¥100.00',
    );
    await c.screenshot('merge');
    await dialog.getByRole('button', { name: '确认合并' }).click();
    await page
      .locator('.ant-modal-confirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText('合并完成').waitFor();
    await page.waitForURL(`**/members/${survivor.id}`);

    const balances = page.getByTestId('member-balances');
    await expect.poll(() => balances.textContent()).toContain('620');
    expect(await balances.textContent()).toContain('¥100.00');
    // the member page's tabs fit the tab bar at 1280 px: no overflow menu hides one of them
    await expect
      .poll(() => page.locator('.ant-tabs-nav-operations-hidden').count())
      .toBeGreaterThan(0);
    await page.getByRole('tab', { name: /合并记录 \(1\)/ }).click();
    await page.getByTestId('merge-history').getByText(merged.card_no).waitFor();
    const identity = await c.db
      .selectFrom('member_identity')
      .select(['member_id', 'kind'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('value', '=', 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M')
      .executeTakeFirstOrThrow();
    expect(identity).toEqual({ member_id: survivor.id, kind: 'wechat_openid' });

    const rows = await c.db
      .selectFrom('member')
      .select(['id', 'status', 'merged_into_id'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('id', '=', merged.id)
      .executeTakeFirstOrThrow();
    expect(rows).toMatchObject({ status: 'merged', merged_into_id: survivor.id });
    const balanceRows = await c.db
      .selectFrom('ledger_balance')
      .select(['member_id', 'ledger', 'balance'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', 'in', [survivor.id, merged.id])
      .orderBy('member_id')
      .orderBy('ledger')
      .execute();
    const of = (id: string, ledger: string) =>
      balanceRows.find((b) => b.member_id === id && b.ledger === ledger)?.balance;
    expect([of(survivor.id, 'points'), of(survivor.id, 'principal')]).toEqual([620, 10_000]);
    expect([of(merged.id, 'points'), of(merged.id, 'principal')]).toEqual([0, 0]);

    await page.getByRole('tab', { name: /流水/ }).click();
    await page.getByTestId('ledger-table').getByText('合并转入').waitFor();

    // the merged side shows a banner pointing at the survivor
    await page.goto(`/members/${merged.id}`);
    await page.getByTestId('merged-banner').getByText(survivor.card_no).waitFor();
    await page.getByRole('link', { name: '查看合并后的会员' }).click();
    await page.waitForURL(`**/members/${survivor.id}`);
    await page.getByTestId('ledger-table').getByText('合并转入').waitFor();
    await c.screenshot('member-detail');
  });

  it('switches to English, and server messages follow the UI language', async () => {
    const { page } = c;
    await page.goto('/members');
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('menuitem', { name: 'Members' }).waitFor();
    await page.getByRole('button', { name: 'Register member' }).waitFor();
    expect(await page.getByRole('columnheader', { name: 'Card no.' }).count()).toBe(1);
    expect(await page.evaluate(() => localStorage.getItem('regulars.language'))).toBe('en');

    const before = await memberCount();
    await page.getByRole('button', { name: 'Register member' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByLabel('Phone').fill('999');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await drawer.getByText('The phone number is not valid').waitFor();
    expect(await memberCount()).toBe(before);

    await page.reload();
    await page.getByRole('menuitem', { name: 'Members' }).waitFor();
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('menuitem', { name: '会员' }).waitFor();
  });

  it('manages stores, staff and API keys (the key is shown once)', async () => {
    const { page } = c;
    await page.getByRole('menuitem', { name: '门店' }).click();
    await page.getByRole('button', { name: '新建门店' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('编码').fill('S03');
    await dialog.getByLabel('名称').fill('静安寺店');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByRole('cell', { name: '静安寺店' }).waitFor();
    const store = await c.db
      .selectFrom('store')
      .select(['id', 'name'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('code', '=', 'S03')
      .executeTakeFirstOrThrow();
    expect(store.name).toBe('静安寺店');

    await page.getByRole('menuitem', { name: '员工' }).click();
    await page.getByRole('button', { name: '新增员工' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('登录名').fill('jingan.cashier');
    await dialog.getByLabel('姓名').fill('静安收银');
    await dialog.getByLabel('密码').fill('Cashier2026');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByRole('cell', { name: 'jingan.cashier' }).waitFor();
    const staff = await c.db
      .selectFrom('staff')
      .select(['role', 'active'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('login', '=', 'jingan.cashier')
      .executeTakeFirstOrThrow();
    expect(staff).toEqual({ role: 'cashier', active: true });

    await page.getByRole('menuitem', { name: 'API 密钥' }).click();
    await page.getByRole('button', { name: '创建密钥' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('收银系统');
    await dialog.getByLabel('权限范围').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '查看会员' }).click();
    await dialog.getByLabel('名称').click(); // closes the dropdown
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const shown = await page.getByTestId('created-api-key').textContent();
    expect(shown).toMatch(/^rk_/);
    const key = await c.db
      .selectFrom('api_key')
      .select(['id', 'prefix', 'scopes', 'revoked_at'])
      .where('merchant_id', '=', merchant.merchantId)
      .executeTakeFirstOrThrow();
    expect(shown?.startsWith(`rk_${key.prefix}_`)).toBe(true);
    expect(key.scopes).toEqual(['members.read']);
    await page.getByRole('button', { name: '关 闭', exact: true }).click();
    await page.getByRole('button', { name: /吊\s*销/ }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText('已吊销').waitFor();
    const revoked = await c.db
      .selectFrom('api_key')
      .select('revoked_at')
      .where('merchant_id', '=', merchant.merchantId)
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect(revoked.revoked_at).not.toBeNull();
    expect(c.pageErrors).toEqual([]);
  });
});
