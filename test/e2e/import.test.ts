import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';
import { seedBakery } from './seed.ts';

/** A messy legacy file: three bad rows, one repeated phone, one phone that is already a member. */
function legacyCsv(existing: MemberRow): string {
  const rows = [
    '手机号,姓名,性别,生日,卡号,余额,赠送余额,积分,门店,注册时间',
    '13900000001,周晓梅,女,1991-02-03,A0001,128.50,20,350,人民广场店,2019-05-01 10:00',
    '13900000002,吴建国,男,1980-12-12,A0002,0,0,80,徐家汇店,2020-01-15',
    '12345,号码不对,男,1990-01-01,A0003,10,0,0,人民广场店,2020-02-01',
    '13900000003,孙丽,女,1993-13-40,A0004,0,0,10,徐家汇店,2020-03-01',
    '13900000004,郑浩,男,1987-06-06,A0005,50,0,abc,人民广场店,2020-04-01',
    '13900000001,周晓梅,女,1991-02-03,A0006,10,0,20,人民广场店,2021-06-01',
    `${existing.phone?.slice(3)},王芳,女,1990-03-14,A0007,0,0,0,人民广场店,2018-08-08`,
    '13900000006,钱多多,女,1995-08-08,A0008,88.80,11.20,1200,徐家汇店,2022-09-09 18:30',
  ];
  return `${rows.join('\r\n')}\r\n`;
}
const BAD_LINES = [4, 5, 6];

describe('legacy import wizard in a browser', () => {
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

  it('uploads, maps, reports the bad rows in a dry run, commits, and offers the bad rows', async () => {
    const { page } = c;
    await page.getByRole('menuitem', { name: '导入' }).click();
    await page.getByRole('button', { name: '新建导入' }).click();
    await page.locator('input[type=file]').setInputFiles({
      name: '老会员.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(legacyCsv(members[0]!), 'utf8'),
    });
    await page.getByRole('button', { name: /上\s*传/ }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    const jobId = page.url().split('/').at(-1)!;

    // the mapping is prefilled from the Chinese headers
    const mapping = page.getByTestId('mapping-table');
    await mapping.getByText('余额 (principal)').waitFor();
    expect(await mapping.getByText('手机号 (phone)').count()).toBe(1);
    expect(await mapping.getByText('赠送余额 (bonus)').count()).toBe(1);
    await page.getByRole('button', { name: '开始试运行' }).click();

    const errors = page.getByTestId('import-errors');
    await errors.waitFor({ timeout: 20_000 });
    const lines = await errors.locator('tbody tr td:first-child').allTextContents();
    expect([...new Set(lines.map(Number))]).toEqual(BAD_LINES);
    await page.getByTestId('import-duplicates').getByText('13900000001').waitFor();
    await c.screenshot('import-report');
    expect(await memberCount()).toBe(members.length); // a dry run writes no member

    await page.getByRole('button', { name: '正式导入' }).click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText('导入完成').waitFor({ timeout: 30_000 });
    const download = page.waitForEvent('download');
    await page.getByTestId('download-bad-rows').click();
    const badRows = readFileSync(await (await download).path(), 'utf8');
    expect(badRows).toContain('12345');
    expect(badRows).toContain('1993-13-40');
    expect(badRows).not.toContain('钱多多');

    const job = await c.db
      .selectFrom('import_job')
      .selectAll()
      .where('merchant_id', '=', merchant.merchantId)
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', bad_rows: 3, total_rows: 8 });
    // 3 new people (the repeated phone joins its first line), the existing one is not doubled
    expect(await memberCount()).toBe(members.length + 3);
  });

  it('finds an imported member with its opening balances', async () => {
    const { page } = c;
    await page.getByRole('menuitem', { name: '会员' }).click();
    await page.getByPlaceholder(/^手机号、卡号、姓名/).fill('13900000006');
    await page.getByPlaceholder(/^手机号、卡号、姓名/).press('Enter');
    await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1);
    await page.locator('.ant-table-row a').first().click();
    await page.getByTestId('member-title').getByText('钱多多').waitFor();
    const balances = page.getByTestId('member-balances');
    expect(await balances.textContent()).toContain('1,200');
    expect(await balances.textContent()).toContain('¥88.80');
    expect(await balances.textContent()).toContain('¥11.20');

    const member = await c.db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', merchant.merchantId)
      .where('phone', '=', '+8613900000006')
      .executeTakeFirstOrThrow();
    const balanceRows = await c.db
      .selectFrom('ledger_balance')
      .select(['ledger', 'balance'])
      .where('merchant_id', '=', merchant.merchantId)
      .where('member_id', '=', member.id)
      .orderBy('ledger')
      .execute();
    expect(balanceRows).toEqual([
      { ledger: 'bonus', balance: 1120 },
      { ledger: 'points', balance: 1200 },
      { ledger: 'principal', balance: 8880 },
    ]);

    await page.goto('/imports');
    await page.getByRole('link', { name: '老会员.csv' }).waitFor();
    expect(await page.locator('.ant-table-row').first().textContent()).toContain('已完成');
  });

  async function memberCount(): Promise<number> {
    const row = await c.db
      .selectFrom('member')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', merchant.merchantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});
