import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 7 §1.8 at the till: a cashier finds a customer by the whole number, never by a tail. */
describe('member search without members.pii, in a browser', () => {
  let c: Console;
  let merchant: TestMerchant;

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    await createMember(c.db, merchant.ctx('owner'), { phone: '13912345678', name: '林小满' });
    await createMember(c.db, merchant.ctx('owner'), { phone: '13987655678', name: '陈一' });
    await logIn(c.page, merchant.logins.cashier, PASSWORD);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('finds a member by the whole phone through the audited lookup, not by its last digits', async () => {
    const { page } = c;
    await page.goto('/members');
    const search = page.getByPlaceholder(/^手机号、卡号、姓名/);
    const rows = page.locator('.ant-table-row');
    await page.getByText('林小满').waitFor();
    expect(await rows.count()).toBe(2);
    await search.fill('5678');
    await search.press('Enter');
    await page.locator('.ant-table-placeholder').waitFor();
    expect(await rows.count()).toBe(0);

    await search.fill('139 1234 5678');
    await search.press('Enter');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    const row = await rows.first().textContent();
    expect(row).toContain('林小满');
    expect(row).toContain('139****5678');
    expect(row).not.toContain('13912345678');
    const audited = await c.db
      .selectFrom('audit_log')
      .select('actor_id')
      .where('merchant_id', '=', merchant.merchantId)
      .where('action', '=', 'member.phone_lookup')
      .execute();
    expect(audited).toEqual([{ actor_id: merchant.staffIds.cashier }]);
    expect(c.pageErrors).toEqual([]);
  });
});
