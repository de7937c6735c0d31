import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeRfm } from '../../src/core/rfm/rfm.service.ts';
import {
  auth,
  createMember,
  createTestMerchant,
  PASSWORD,
  type TestMerchant,
} from '../factories.ts';
import { daysBefore, insertOrders } from '../marketing-orders.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 9 items 3 and 4 in a browser: a marketer makes a 芒果系列 rule tag and reads RFM. */
describe('tags and RFM in a browser', () => {
  let c: Console;
  let m: TestMerchant;

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const now = new Date();
    const members = [];
    for (const name of ['王芳', '李雷', '韩梅梅'])
      members.push(await createMember(c.db, m.ctx('owner', daysBefore(now, 200)), { name }));
    await insertOrders(c.db, m.ctx(), [
      { memberId: members[0]!.id, paidAt: daysBefore(now, 3), dueFen: 3800, category: '芒果系列' },
      { memberId: members[1]!.id, paidAt: daysBefore(now, 120), dueFen: 2000, category: '面包' },
    ]);
    await recomputeRfm(c.db, m.ctx('owner', daysBefore(now, 60)));
    await recomputeRfm(c.db, m.ctx());
  });
  afterAll(async () => {
    await c?.close();
  });

  it('creates a category-preference tag, refreshes it and reads the RFM page', async () => {
    const { page, pageErrors: errors } = c;
    await logIn(page, m.logins.marketer, PASSWORD);
    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '标签管理' }).click();
    await page.waitForURL('**/tags');
    await page.getByPlaceholder('分组名称').fill('偏好');
    await page.getByRole('button', { name: '新建分组' }).click();
    await page.getByText('偏好', { exact: true }).waitFor();

    await page.getByRole('button', { name: '新建标签' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('标签名称').fill('芒果控');
    await dialog.getByLabel('类型').click();
    await page.getByTitle('规则标签').click();
    await dialog
      .getByRole('button', { name: 'OK' })
      .or(dialog.getByRole('button', { name: '确 定' }))
      .click();
    await page.getByText('芒果控').waitFor();
    await page.getByRole('button', { name: '立即刷新' }).click();
    await page.getByText('已刷新：新增 1，移除 0').waitFor();
    const held = await c.app.inject({
      url: '/api/tags',
      headers: auth(m.tokens.marketer),
    });
    expect(held.json()).toEqual([expect.objectContaining({ name: '芒果控', member_count: 1 })]);
    await c.screenshot('tags');

    await page.getByTestId('nav-menu').getByRole('menuitem', { name: 'RFM 分析' }).click();
    await page.waitForURL('**/rfm');
    await page.getByTestId('rfm-groups').locator('canvas').waitFor();
    await page.getByText('活跃→沉睡').first().waitFor();
    await c.screenshot('rfm');
    expect(errors).toEqual([]);
  });
});
