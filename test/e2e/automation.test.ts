import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeClass } from '../../src/core/automation/automation-fixture.ts';
import { runAutomationSweep } from '../../src/core/automation/automation-sweep.service.ts';
import { createMember, createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 10 item 5 in a browser: a marketer builds a birthday automation and reads its run log. */
describe('automation in a browser', () => {
  let c: Console;
  let m: TestMerchant;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    await freeClass(c.db, m);
    await createMember(c.db, m.ctx(), {
      name: '王芳',
      birthday: `1990-${today.slice(5)}`,
      marketing_consent: true,
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('suggests the holidays, builds a birthday automation and shows whom it reached', async () => {
    const { page, pageErrors: errors } = c;
    await logIn(page, m.logins.marketer, PASSWORD);
    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '自动化营销' }).click();
    await page.waitForURL('**/automation');

    await page.getByRole('tab', { name: '节假日日历' }).click();
    await page.getByTestId('holiday-seed').click();
    await page.getByRole('cell', { name: '国庆节' }).waitFor();
    await page.getByRole('tab', { name: '自动化', exact: true }).click();

    await page.getByTestId('automation-create').click();
    await page.getByTestId('automation-name').fill('生日免费课');
    for (let i = 0; i < 3; i++) await page.getByTestId('builder-next').click();
    await page.getByTestId('automation-coupon').click();
    await page.getByTitle('免费体验课').click();
    await page.getByTestId('automation-message').click();
    await page.getByTitle('生日祝福').click();
    await c.screenshot('automation-builder');
    await page.getByTestId('builder-save').click();
    await page.waitForURL(/\/automation\/[0-9a-f-]+$/);
    await page.getByTestId('automation-status').filter({ hasText: '运行中' }).waitFor();

    // the schedule's sweep, run here at once: today's birthday is reached
    await runAutomationSweep(c.db, new Date(), { merchantId: m.merchantId });
    await page.reload();
    await page.getByTestId('automation-runs').getByText('已触达').waitFor();
    await page.getByRole('cell', { name: '王芳' }).waitFor();
    await c.screenshot('automation-runs');

    await page.getByTestId('automation-toggle').click();
    await page.getByTestId('automation-status').filter({ hasText: '已暂停' }).waitFor();
    expect(errors).toEqual([]);
  });
});
