import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';
import { seedBakery } from './seed.ts';

/** Two orders of known members (one with two lines), one of a phone nobody has. */
function orderCsv(members: MemberRow[]): string {
  const [a, b] = members.map((m) => m.phone!.slice(3));
  const rows = [
    '订单号,支付时间,门店,手机号,实付金额,品类,商品金额',
    `P1001,2024-06-01 10:00,人民广场店,${a},36.00,面包,20.00`,
    `P1001,2024-06-01 10:00,人民广场店,${a},36.00,芒果系列,16.00`,
    `P1002,2024-06-02 15:30,S02,${b},18.80,蛋糕,`,
    'P1003,2024-06-03 09:00,人民广场店,13911112222,5.00,面包,',
  ];
  return `${rows.join('\r\n')}\r\n`;
}

describe('order history import in a browser', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];

  beforeAll(async () => {
    c = await startConsole({ jobs: true });
    merchant = await createTestMerchant(c.db);
    ({ members } = await seedBakery(c.db, merchant.ctx('owner'), merchant.merchantId));
    await logIn(c.page, merchant.logins.owner, PASSWORD);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('chooses 订单 at upload, maps the order fields, reports the unknown member, commits', async () => {
    const { page } = c;
    await page.getByRole('menuitem', { name: '导入' }).click();
    await page.getByRole('button', { name: '新建导入' }).click();
    await page.getByTestId('import-kind').getByText('订单').click();
    await page.locator('input[type=file]').setInputFiles({
      name: '历史订单.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(orderCsv(members), 'utf8'),
    });
    await page.getByRole('button', { name: /上\s*传/ }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    const jobId = page.url().split('/').at(-1)!;
    await page.getByText('历史订单导入').waitFor();

    const mapping = page.getByTestId('mapping-table');
    await mapping.getByText('订单号 (order_no)').waitFor();
    expect(await mapping.getByText('支付时间 (paid_at)').count()).toBe(1);
    expect(await mapping.getByText('商品金额 (line_amount)').count()).toBe(1);
    await page.getByRole('button', { name: '开始试运行' }).click();

    const errors = page.getByTestId('import-errors');
    await errors.waitFor({ timeout: 20_000 });
    expect(await errors.locator('tbody tr td:first-child').allTextContents()).toEqual(['5']);
    await errors.getByText('找不到此手机号或卡号的会员').waitFor();
    const counts = page.getByTestId('import-counts');
    expect(await counts.textContent()).toContain('54.80');
    await c.screenshot('order-import-report');

    await page.getByRole('button', { name: '正式导入' }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText('导入完成').waitFor({ timeout: 30_000 });
    await page.getByText(/已导入 2 个订单、3 个商品行/).waitFor();

    const job = await c.db
      .selectFrom('import_job')
      .select(['status', 'kind', 'bad_rows'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'done', kind: 'orders', bad_rows: 1 });
    const orders = await c.db
      .selectFrom('sale_order')
      .select(['external_id', 'member_id', 'due_fen'])
      .where('merchant_id', '=', merchant.merchantId)
      .orderBy('external_id')
      .execute();
    expect(orders).toEqual([
      { external_id: 'P1001', member_id: members[0]!.id, due_fen: 3600 },
      { external_id: 'P1002', member_id: members[1]!.id, due_fen: 1880 },
    ]);
  });
});
