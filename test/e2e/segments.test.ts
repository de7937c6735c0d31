import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomField } from '../../src/core/members/custom-field.service.ts';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { S5_RULE } from '../../src/core/segments/segment-examples.ts';
import { countSegment } from '../../src/core/segments/segment-query.service.ts';
import { createMember, createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { daysBefore, insertOrders } from '../marketing-orders.ts';
import { type Console, logIn, startConsole } from './harness.ts';

/** Issue 9 item 5 in a browser: a marketer builds S5's segment and sees its exact count. */
describe('segments in a browser', () => {
  let c: Console;
  let m: TestMerchant;

  beforeAll(async () => {
    c = await startConsole();
    m = await createTestMerchant(c.db);
    const now = new Date();
    const members: MemberRow[] = [];
    for (const name of ['王芳', '李雷', '韩梅梅', '赵敏'])
      members.push(await createMember(c.db, m.ctx('owner', daysBefore(now, 300)), { name }));
    const orders = (i: number, days: number[]) =>
      days.map((d) => ({ memberId: members[i]!.id, paidAt: daysBefore(now, d), dueFen: 2500 }));
    await insertOrders(c.db, m.ctx(), [
      ...orders(0, [70, 100, 150]),
      ...orders(1, [65, 90, 120, 170]),
      ...orders(2, [10, 100, 150]),
      ...orders(3, [100, 150]),
    ]);
  });
  afterAll(async () => {
    await c?.close();
  });

  it("builds S5's segment, sees its exact count and sentence, and saves it", async () => {
    const { page, pageErrors: errors } = c;
    await logIn(page, m.logins.marketer, PASSWORD);
    await page.getByTestId('nav-menu').getByRole('menuitem', { name: '客户分群' }).click();
    await page.waitForURL('**/segments');

    // the first condition starts as "≥ 3 orders in the last 180 days"; add "none in 60"
    await page.getByRole('button', { name: /添加条件$/ }).click();
    await page.getByTestId('segment-condition').nth(1).getByLabel('条件').click();
    await page.getByTitle('无消费').click();
    const sentence = page.getByTestId('segment-sentence');
    await sentence.filter({ hasText: '近180天消费≥3次且近60天无消费' }).waitFor();
    const expected = await countSegment(c.db, m.ctx(), S5_RULE);
    expect(expected).toBe(2);
    await page
      .locator('.ant-statistic-content-value')
      .filter({ hasText: String(expected) })
      .waitFor();
    await page.getByRole('cell', { name: '王芳' }).waitFor();
    await page.getByRole('cell', { name: '李雷' }).waitFor();
    await c.screenshot('segments');

    await page.getByLabel('分群名称').fill('流失预警');
    await page.getByRole('button', { name: '保存分群' }).click();
    await page.getByText('分群已保存', { exact: true }).waitFor();
    await page.getByRole('cell', { name: '流失预警' }).waitFor();
    const saved = await c.db
      .selectFrom('segment')
      .select('rule')
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(saved.rule).toEqual(S5_RULE);
    expect(errors).toEqual([]);
  }, 120_000);

  it('finds members by a custom field: 饮食偏好 等于 无糖', async () => {
    await c.db.transaction().execute((trx) =>
      createCustomField(trx, m.ctx(), {
        key: 'diet',
        label: '饮食偏好',
        type: 'option',
        options: ['无糖', '常规'],
      }),
    );
    for (const [name, diet] of [
      ['周无糖', '无糖'],
      ['吴无糖', '无糖'],
      ['郑常规', '常规'],
    ] as const)
      await createMember(c.db, m.ctx(), { name, custom: { diet } });
    const { page, pageErrors } = c;
    await page.goto('/segments');
    const first = page.getByTestId('segment-condition').first();
    await first.getByLabel('条件').click();
    await page.keyboard.type('自定义');
    await page.getByTitle('自定义字段').click();
    await first.getByLabel('选择字段').click();
    await page.getByTitle('饮食偏好').click();
    await first.getByLabel('比较').click();
    await page.getByTitle('等于').click();
    await first.getByLabel('值').click();
    await page.getByTitle('无糖', { exact: true }).click();
    const expected = await countSegment(c.db, m.ctx(), {
      field: 'custom',
      key: 'diet',
      op: 'eq',
      value: '无糖',
    });
    expect(expected).toBe(2);
    await page.getByTestId('segment-sentence').filter({ hasText: '饮食偏好' }).waitFor();
    await page.locator('.ant-statistic-content-value').filter({ hasText: '2' }).waitFor();
    await page.getByRole('cell', { name: '周无糖' }).waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
