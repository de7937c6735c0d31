import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMember,
  createTestMerchant,
  PASSWORD,
  postWithKey,
  type TestMerchant,
  uniquePhone,
} from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issues 8 and 9 in a browser: a template made claimable by members, the 券记录 list and a void. */
describe('coupon records in a browser', () => {
  let c: Console;
  let m: TestMerchant;
  let templateId: string;
  const codes: string[] = [];
  const ids: string[] = [];
  const phones: string[] = [];

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const template = await postWithKey(c.app, m.tokens.marketer, '/api/coupon-templates', {
      name: '到店礼 满50减10',
      benefit: { kind: 'threshold_off', threshold_fen: 5000, off_fen: 1000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    });
    expect(template.statusCode, template.body).toBe(201);
    templateId = template.json().id;
    for (const name of ['王小明', '李四']) {
      const phone = uniquePhone();
      phones.push(phone);
      const member = await createMember(c.db, m.ctx(), { name, phone });
      const coupon = await postWithKey(c.app, m.tokens.owner, `/api/members/${member.id}/coupons`, {
        template_id: templateId,
        reason: '开业补偿',
      });
      expect(coupon.statusCode, coupon.body).toBe(201);
      codes.push(coupon.json().code);
      ids.push(coupon.json().id);
    }
  }, 60_000);
  afterAll(async () => {
    await c?.close();
  });

  const statusOf = async (id: string) =>
    (
      await c.db
        .selectFrom('coupon')
        .select('status')
        .where('merchant_id', '=', m.merchantId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;

  it('turns member claim on, lists the issued coupons, voids one; a marketer sees masked codes', async () => {
    const { page, pageErrors: errors } = c;
    await logIn(page, m.logins.owner, PASSWORD);
    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '优惠券' }).click();
    await page.waitForURL('**/coupons');
    await page.getByRole('switch', { name: '到店礼 满50减10 会员领取' }).click();
    await expect
      .poll(async () =>
        c.db
          .selectFrom('coupon_template')
          .select('member_claimable')
          .where('merchant_id', '=', m.merchantId)
          .where('id', '=', templateId)
          .executeTakeFirstOrThrow()
          .then((r) => r.member_claimable),
      )
      .toBe(true);

    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '券记录' }).click();
    await page.waitForURL('**/coupon-records');
    const table = page.getByTestId('coupon-records');
    for (const code of codes) await table.getByText(code).waitFor();
    await table.getByText('王小明').waitFor();
    await c.screenshot('coupon-records');

    // the member box takes a phone as the cashier has it: only 王小明's coupon is left
    const memberBox = page.getByPlaceholder('手机号 / 卡号 / 会员 ID');
    await memberBox.fill(phones[0]!);
    await memberBox.press('Enter');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await table.getByText(codes[0]!).waitFor();
    await memberBox.fill('');
    await memberBox.press('Enter');
    await expect.poll(() => table.getByRole('row').count()).toBe(3);

    // void the older one (李四's is newer, first): confirm, and the row turns 已作废
    const row = table.getByRole('row').filter({ hasText: codes[0]! });
    await row.getByRole('button', { name: /作\s*废/ }).click();
    await page
      .getByRole('tooltip')
      .getByRole('button', { name: /作\s*废/ })
      .click();
    await row.getByText('已作废').waitFor();
    expect(await statusOf(ids[0]!)).toBe('void');
    expect(await statusOf(ids[1]!)).toBe('issued');

    // filter by status: only the unused one is left
    await page.getByTestId('coupon-status-filter').click();
    await page.getByTitle('未使用').click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await table.getByText(codes[1]!).waitFor();

    const marketer = await c.openPage();
    await logIn(marketer.page, m.logins.marketer, PASSWORD);
    await marketer.page.goto('/coupon-records');
    const masked = marketer.page.getByTestId('coupon-records');
    await masked.getByText(`************${codes[1]!.slice(-4)}`).waitFor();
    expect(await masked.getByText(codes[1]!, { exact: true }).count()).toBe(0);
    expect(marketer.errors).toEqual([]);
    await marketer.close();
    expect(errors).toEqual([]);
  }, 90_000);
});
