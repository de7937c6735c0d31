import { beforeAll, describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import { daysBefore, insertOrders } from '../../../test/marketing-orders.ts';
import { S5_RULE } from '../../core/segments/segment-examples.ts';
import type { Db } from '../../db/database.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

let app: App;
let db: Db;
let m: TestMerchant;
let other: TestMerchant;

const call = (token: string, method: string, url: string, payload?: object) =>
  app.inject({ method: method as 'POST', url, headers: auth(token), payload });
const segmentCount = async (merchantId: string) =>
  (
    await db
      .selectFrom('segment')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow()
  ).n;

beforeAll(async () => {
  ({ app, db } = await testApp());
  m = await createTestMerchant(db);
  other = await createTestMerchant(db);
  const now = new Date();
  for (const merchant of [m, other]) {
    const ctx = merchant.ctx('owner', now);
    const lapsing = await createMember(db, ctx, merchant === m ? { phone: '13800138000' } : {});
    const recent = await createMember(db, ctx);
    await insertOrders(db, ctx, [
      ...[70, 100, 150].map((d) => ({
        memberId: lapsing.id,
        paidAt: daysBefore(now, d),
        dueFen: 100,
      })),
      ...[5, 100, 150].map((d) => ({
        memberId: recent.id,
        paidAt: daysBefore(now, d),
        dueFen: 100,
      })),
    ]);
  }
  const field = await call(m.tokens.owner, 'POST', '/api/custom-fields', {
    key: 'shoe_size',
    label: '鞋码',
    type: 'number',
  });
  expect(field.statusCode).toBe(201);
});

describe('segment routes', () => {
  it('previews S5 with its exact count, a masked sample and the sentence', async () => {
    const res = await call(m.tokens.marketer, 'POST', '/api/segments/preview', { rule: S5_RULE });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ count: 1, sentence: '近180天消费≥3次且近60天无消费' });
    expect(body.sample).toHaveLength(1);
    expect(body.sample[0].phone).toBe('138****8000');
    expect(typeof body.took_ms).toBe('number');
    const en = await app.inject({
      method: 'POST',
      url: '/api/segments/preview',
      headers: { ...auth(m.tokens.owner), 'accept-language': 'en' },
      payload: { rule: S5_RULE },
    });
    expect(en.json()).toMatchObject({
      sentence: 'at least 3 orders in the last 180 days and no orders in the last 60 days',
    });
    expect(en.json().sample[0].phone).toBe('+8613800138000');
  });

  it('saves, lists, edits, pages the members of and deletes a segment; a cashier may not save', async () => {
    const refused = await call(m.tokens.cashier, 'POST', '/api/segments', {
      name: 'x',
      rule: S5_RULE,
    });
    expect(refused.statusCode).toBe(403);
    const created = await call(m.tokens.marketer, 'POST', '/api/segments', {
      name: '流失预警',
      rule: S5_RULE,
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const row = await db
      .selectFrom('segment')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.rule).toEqual(S5_RULE);
    expect(row.created_by).toBe(m.staffIds.marketer);
    const dup = await call(m.tokens.marketer, 'POST', '/api/segments', {
      name: '流失预警',
      rule: S5_RULE,
    });
    expect(dup.json().error).toMatchObject({ code: 'segment.name_taken', field: 'name' });

    const list = await call(m.tokens.cashier, 'GET', '/api/segments');
    expect(list.json().map((s: { id: string }) => s.id)).toEqual([id]);
    const members = await call(m.tokens.marketer, 'GET', `/api/segments/${id}/members?limit=1`);
    expect(members.json().items).toHaveLength(1);
    expect(members.json().next_cursor).toBeNull();

    const all = { op: 'or', rules: [{ field: 'orders', days: 365 }] };
    const patched = await call(m.tokens.marketer, 'PATCH', `/api/segments/${id}`, { rule: all });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().sentence).toBe('近365天消费≥1次');
    const page1 = await call(m.tokens.marketer, 'GET', `/api/segments/${id}/members?limit=1`);
    const cursor = page1.json().next_cursor;
    expect(cursor).toEqual(expect.any(String));
    const page2 = await call(
      m.tokens.marketer,
      'GET',
      `/api/segments/${id}/members?limit=1&cursor=${cursor}`,
    );
    expect(page2.json().items).toHaveLength(1);
    expect(page2.json().items[0].id).not.toBe(page1.json().items[0].id);
    const badCursor = await call(
      m.tokens.marketer,
      'GET',
      `/api/segments/${id}/members?cursor=garbage`,
    );
    expect(badCursor.json().error).toMatchObject({
      code: 'request.cursor_invalid',
      field: 'cursor',
    });

    expect((await call(other.tokens.owner, 'GET', `/api/segments/${id}`)).statusCode).toBe(404);
    expect((await call(other.tokens.owner, 'DELETE', `/api/segments/${id}`)).statusCode).toBe(404);
    expect((await call(m.tokens.marketer, 'DELETE', `/api/segments/${id}`)).statusCode).toBe(204);
    expect(await segmentCount(m.merchantId)).toBe(0);
  });

  const bad: [string, unknown, string, string][] = [
    [
      'unknown field',
      { op: 'and', rules: [S5_RULE, { field: 'zodiac', in: ['rat'] }] },
      'segment.unknown_field',
      'rule.rules[1].field',
    ],
    [
      'unknown custom field',
      { field: 'custom', key: 'hat', op: 'eq', value: 1 },
      'segment.unknown_field',
      'rule.key',
    ],
    [
      'operator not for the type',
      { op: 'not', rule: { field: 'custom', key: 'shoe_size', op: 'contains', value: '4' } },
      'segment.operator_invalid',
      'rule.rule.op',
    ],
    [
      'window of 0 days',
      {
        op: 'and',
        rules: [
          {
            op: 'or',
            rules: [
              { field: 'gender', in: ['male'] },
              { field: 'orders', days: 0 },
            ],
          },
        ],
      },
      'segment.window_out_of_range',
      'rule.rules[0].rules[1].days',
    ],
    [
      'window of 10 years',
      { field: 'spend', days: 3653, min: 1 },
      'segment.window_out_of_range',
      'rule.days',
    ],
    [
      'dates 10 years apart',
      { field: 'orders', from: '2016-01-01', to: '2025-12-31' },
      'segment.window_out_of_range',
      'rule.to',
    ],
    [
      'too deep',
      {
        op: 'not',
        rule: {
          op: 'not',
          rule: { op: 'not', rule: { op: 'not', rule: { op: 'not', rule: S5_RULE } } },
        },
      },
      'segment.too_deep',
      'rule.rule.rule.rule.rule.rule',
    ],
    [
      'too large',
      { op: 'or', rules: Array.from({ length: 31 }, () => ({ field: 'gender', in: ['male'] })) },
      'segment.too_large',
      'rule.rules[30]',
    ],
    [
      'unknown property on a leaf',
      { field: 'orders', days: 30, weeks: 2 },
      'segment.invalid_rule',
      'rule.weeks',
    ],
    ['wrong value type', { field: 'gender', in: ['cat'] }, 'segment.invalid_rule', 'rule.in[0]'],
  ];
  it.each(bad)(
    'refuses a rule with %s: 400 naming the node, nothing saved',
    async (_, rule, code, field) => {
      for (const [url, body] of [
        ['/api/segments/preview', { rule }],
        ['/api/segments', { name: 'bad', rule }],
      ] as const) {
        const res = await call(m.tokens.owner, 'POST', url, body);
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({ code, field });
      }
      expect(await segmentCount(m.merchantId)).toBe(0);
    },
  );
});
