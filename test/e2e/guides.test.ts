import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import {
  auth,
  createMember,
  createTestMerchant,
  PASSWORD,
  type TestMerchant,
} from '../factories.ts';
import { type Console, logIn, PHONE, startConsole } from './harness.ts';

/** Issue 9 item 8 on a phone: a guide opens the task list and marks a call done with its outcome. */
describe('guide tasks on a phone', () => {
  let c: Console;
  let m: TestMerchant;

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const store = await c.db
      .transaction()
      .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '静安店' }));
    await c.db
      .updateTable('staff')
      .set({ store_id: store.id })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', m.staffIds.cashier)
      .execute();
    for (const name of ['王芳', '李雷'])
      await createMember(c.db, m.ctx(), { name, home_store_id: store.id });
    const assign = await c.app.inject({
      method: 'POST',
      url: '/api/guides/store-assignments',
      headers: auth(m.tokens.manager),
      payload: { store_id: store.id, staff_id: m.staffIds.cashier },
    });
    expect(assign.json()).toEqual({ assigned: 2 });
    const members = await c.db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    const tasks = await c.app.inject({
      method: 'POST',
      url: '/api/guide-tasks',
      headers: { ...auth(m.tokens.manager), 'idempotency-key': crypto.randomUUID() },
      payload: {
        member_ids: members.map((x) => x.id),
        kind: 'call',
        title: '芒果季回访',
        script: '您好，芒果系列新品上市，本周到店满100减50。',
        due_at: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    expect(tasks.json()).toEqual({ created: 2, skipped: 0 });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('shows the day’s tasks as cards with the script and marks one done', async () => {
    const { page, errors, close } = await c.openPage({ phone: true });
    await logIn(page, m.logins.cashier, PASSWORD);
    await page.goto('/guide-tasks');
    const cards = page.getByTestId('guide-task');
    await expect.poll(() => cards.count()).toBe(2);
    await page.getByText('芒果系列新品上市', { exact: false }).first().waitFor();
    // a cashier sees masked numbers and no dial link; the page fits the phone's width
    expect(await page.getByTestId('task-call').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: 'docs/screenshots/guide-tasks-phone.png' });

    await cards
      .first()
      .getByRole('button', { name: /完\s*成/ })
      .click();
    await page.getByRole('radio', { name: '已预约到店' }).check();
    await page.getByLabel('备注').fill('周六下午到店');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /完\s*成/ })
      .click();
    await expect.poll(() => cards.count()).toBe(1);
    const done = await c.db
      .selectFrom('guide_task')
      .select(['status', 'outcome', 'note'])
      .where('merchant_id', '=', m.merchantId)
      .where('status', '=', 'done')
      .execute();
    expect(done).toEqual([{ status: 'done', outcome: 'booked', note: '周六下午到店' }]);
    await page.getByText('已完成', { exact: true }).click();
    await expect.poll(() => cards.count()).toBe(1);
    await page.getByText('已预约到店').first().waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});
