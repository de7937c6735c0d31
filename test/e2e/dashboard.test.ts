import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sale } from '../../src/core/campaigns/campaign-fixture.ts';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import { createMember, createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 9 item 10 in the console: the owner's home page is the dashboard. */
describe('dashboard in a browser', () => {
  let c: Console;
  let m: TestMerchant;

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const [a, b] = await c.db
      .transaction()
      .execute(async (trx) => [
        await createStore(trx, m.ctx(), { code: 'A', name: '静安店' }),
        await createStore(trx, m.ctx(), { code: 'B', name: '徐汇店' }),
      ]);
    if (!a || !b) throw new Error('stores');
    const now = new Date();
    const one = await createMember(c.db, m.ctx('owner', now), { home_store_id: a.id });
    const two = await createMember(c.db, m.ctx('owner', now), { home_store_id: b.id });
    await sale(c.db, m, a.id, one.id, now, 10_000);
    await sale(c.db, m, a.id, one.id, now, 5_000);
    await sale(c.db, m, b.id, two.id, now, 6_000);
  });
  afterAll(async () => {
    await c?.close();
  });

  it('shows the owner the KPI cards, a sales chart and the store table, filtered by store', async () => {
    const { page } = c;
    await logIn(page, m.logins.owner, PASSWORD);
    const card = (id: string) => page.getByTestId(id).locator('.ant-statistic-content');
    await expect.poll(() => card('kpi-sales').textContent()).toBe('¥210.00');
    expect(await card('kpi-new-members').textContent()).toBe('2');
    expect(await card('kpi-active-members').textContent()).toBe('2');
    expect(await card('kpi-repurchase-rate').textContent()).toBe('50.0%');
    expect(await card('kpi-aov').textContent()).toBe('¥70.00');
    // the charts and tables below the KPI cards come in their own chunk when scrolled to
    await page.getByTestId('dashboard-more').scrollIntoViewIfNeeded();
    await page.getByTestId('dashboard-sales-chart').locator('canvas').first().waitFor();
    await page.getByTestId('dashboard-store-table').getByRole('cell', { name: '静安店' }).waitFor();
    await page.getByTestId('dashboard-rfm').waitFor();
    await c.screenshot('dashboard');

    // two stores: side by side, no select to open
    await page.getByTestId('dashboard-store').getByText('徐汇店').click();
    await expect.poll(() => card('kpi-sales').textContent()).toBe('¥60.00');
    expect(await card('kpi-repurchase-rate').textContent()).toBe('0.0%');
    await page.getByTestId('dashboard-preset').getByText('本月').click();
    await expect.poll(() => page.getByTestId('dashboard-period').textContent()).toMatch(/-01 至/);
    expect(c.pageErrors).toEqual([]);
  });
});
