import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  draft,
  launch,
  members,
  sale,
  spend100save50,
} from '../../src/core/campaigns/campaign-fixture.ts';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import { auth, createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';

const DAY = 86_400_000;

/** Issue 9 items 6–7 in the console: a marketer reads a forecast, sends, and reads a report. */
describe('campaigns (营销活动) in a browser', () => {
  let c: Console;
  let m: TestMerchant;
  let draftId: string;

  beforeAll(async () => {
    c = await startConsole({ jobs: true });
    m = await createTestMerchant(c.db);
    const store = await c.db
      .transaction()
      .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '静安店' }));
    const t0 = new Date(Date.now() - 14 * DAY);
    const ctx = m.ctx('marketer', t0);
    const target = await members(c.db, ctx, 30);
    const template = await spend100save50(c.db, ctx);
    const finished = await draft(c.db, ctx, {
      name: '老客回流',
      target: { member_ids: target },
      actions: {
        coupon_template_id: template.id,
        message: { title: '好久不见', body: '满100减50' },
      },
      control_bp: 2000,
    });
    await launch(c.db, ctx, finished.id);
    const issued = await c.db
      .selectFrom('campaign_member')
      .select(['member_id', 'coupon_id'])
      .where('merchant_id', '=', m.merchantId)
      .where('campaign_id', '=', finished.id)
      .where('outcome', '=', 'issued')
      .orderBy('member_id')
      .execute();
    for (const [i, r] of issued.slice(0, 6).entries())
      await sale(
        c.db,
        m,
        store.id,
        r.member_id,
        new Date(t0.getTime() + (i + 1) * DAY),
        12_000,
        [r.coupon_id!],
        5_000,
      );
    const next = await c.app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: auth(m.tokens.marketer),
      payload: {
        name: '第二波回流',
        target: { member_ids: target },
        actions: { coupon_template_id: template.id },
        control_bp: 1000,
      },
    });
    expect(next.statusCode).toBe(201);
    draftId = next.json().id;
  });
  afterAll(async () => {
    await c?.close();
  });

  it('lists campaigns, reads the report with funnel and uplift, reads a forecast and sends once', async () => {
    const { page } = c;
    await logIn(page, m.logins.marketer, PASSWORD);
    await page.getByRole('menuitem', { name: '营销活动' }).click();
    await page.getByRole('cell', { name: '老客回流' }).click();
    await page.getByTestId('campaign-report').waitFor();
    await page.getByTestId('campaign-funnel').locator('canvas').waitFor();
    expect(await page.getByTestId('campaign-status').textContent()).toBe('已发送');
    expect(await page.getByTestId('campaign-uplift').textContent()).toContain('下单率');
    expect(await page.getByText('¥420.00').count()).toBeGreaterThan(0); // 6 × (¥120 − ¥50)
    await page.getByTestId('campaign-report').scrollIntoViewIfNeeded();
    await c.screenshot('campaign-report');

    await page.goto(`${c.baseUrl}/campaigns/${draftId}`);
    await page.getByTestId('campaign-forecast').waitFor();
    expect(await page.getByTestId('campaign-forecast').textContent()).toContain(
      '最近 1 次同类活动',
    );
    await c.screenshot('campaign-forecast');
    await page.getByTestId('campaign-launch').click();
    await page.getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect
      .poll(() => page.getByTestId('campaign-status').textContent(), { timeout: 30_000 })
      .toBe('已发送');
    const rows = await c.db
      .selectFrom('campaign_member')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', m.merchantId)
      .where('campaign_id', '=', draftId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(30);
  }, 120_000);

  it('creates a draft for members picked by its own conditions, without a saved segment', async () => {
    const { page, pageErrors } = c;
    // the owner's frequency cap across campaigns: the wizard starts from it
    const cap = await c.app.inject({
      method: 'PATCH',
      url: '/api/merchant',
      headers: auth(m.tokens.owner),
      payload: { campaign_cap: { max: 2, days: 30 } },
    });
    expect(cap.statusCode, cap.body).toBe(200);
    await page.goto(`${c.baseUrl}/campaigns`);
    await page.getByRole('button', { name: '新建营销活动' }).click();
    const wizard = page.locator('.ant-modal');
    await wizard.getByLabel('活动名称').fill('三单老客关怀');
    await wizard.getByText('自定义条件').click();
    await wizard.getByTestId('segment-condition').waitFor();
    await wizard.getByTestId('wizard-next').click();
    await wizard.getByLabel('站内信标题').fill('谢谢常来');
    await wizard.getByLabel('站内信内容').fill('本周到店送一杯饮品');
    await wizard.getByTestId('wizard-next').click();
    expect(await wizard.getByLabel('频次上限：最多收到几次活动').inputValue()).toBe('2');
    expect(await wizard.getByLabel('频次上限：在多少天内').inputValue()).toBe('30');
    await wizard.getByTestId('wizard-save').click();
    await page.getByTestId('campaign-forecast').waitFor();
    const draft = await c.db
      .selectFrom('campaign')
      .select(['segment_id', 'rule', 'status', 'cap_max', 'cap_days'])
      .where('merchant_id', '=', m.merchantId)
      .where('name', '=', '三单老客关怀')
      .executeTakeFirstOrThrow();
    expect(draft).toMatchObject({
      segment_id: null,
      status: 'draft',
      rule: { op: 'and', rules: [{ field: 'orders', days: 180, min: 3 }] },
      cap_max: 2,
      cap_days: 30,
    });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
