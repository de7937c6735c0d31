import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';

async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const members = [];
  for (let i = 0; i < 6; i++) members.push(await createMember(db, m.ctx(), { name: `会员${i}` }));
  const ids = members.map((x) => x.id);
  const tagA = await insertTag(db, m, '芒果控');
  const tagB = await insertTag(db, m, '周末客');
  await tagMembers(db, m, tagA, [ids[0]!, ids[1]!]);
  await tagMembers(db, m, tagB, [ids[1]!, ids[2]!]);
  const rfm = [
    ['important_value', 'core'],
    ['important_value', 'active'],
    ['general_retain', 'dormant'],
    [null, 'churned'],
  ] as const;
  for (const [i, [group, stage]] of rfm.entries())
    await db
      .insertInto('member_rfm')
      .values({
        merchant_id: m.merchantId,
        member_id: ids[i]!,
        r: group ? 3 : null,
        f: group ? 3 : null,
        m: group ? 3 : null,
        rfm_group: group,
        lifecycle: stage,
        computed_at: new Date(),
      })
      .execute();
  return { app, db, m, ids, tagA, tagB };
}

async function insertTag(db: Db, m: TestMerchant, name: string) {
  const id = randomUUID();
  await sql`insert into tag (merchant_id, id, name, kind, created_at, updated_at)
    values (${m.merchantId}, ${id}, ${name}, 'manual', now(), now())`.execute(db);
  return id;
}

const tagMembers = (db: Db, m: TestMerchant, tagId: string, memberIds: string[]) =>
  db
    .insertInto('member_tag')
    .values(
      memberIds.map((member_id) => ({
        merchant_id: m.merchantId,
        tag_id: tagId,
        member_id,
        source: 'manual' as const,
        added_at: new Date(),
      })),
    )
    .execute();

async function insertSegment(db: Db, m: TestMerchant, rule: unknown) {
  const id = randomUUID();
  await sql`insert into segment (merchant_id, id, name, rule, created_at, updated_at)
    values (${m.merchantId}, ${id}, ${`seg-${id.slice(0, 6)}`}, ${JSON.stringify(rule)}::jsonb, now(), now())`.execute(
    db,
  );
  return id;
}

type App = Awaited<ReturnType<typeof testApp>>['app'];
const listed = async (app: App, m: TestMerchant, query: string) => {
  const res = await app.inject({
    method: 'GET',
    url: `/api/members?limit=200&${query}`,
    headers: auth(m.tokens.marketer),
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: string }[]).map((x) => x.id).sort();
};
/** The ids a hand-written query returns, sorted: what the filter must equal. */
const direct = async (db: Db, query: string) =>
  (await sql<{ id: string }>`${sql.raw(query)}`.execute(db)).rows.map((r) => r.id).sort();

describe('member list filters for marketers', () => {
  it('by tags (any of), RFM group, lifecycle and saved segment equal direct queries', async () => {
    const { app, db, m, ids, tagA, tagB } = await world();
    const mid = m.merchantId;
    expect(await listed(app, m, `tag_ids=${tagA},${tagB}`)).toEqual(
      await direct(
        db,
        `select distinct member_id as id from member_tag where merchant_id = '${mid}' and tag_id in ('${tagA}', '${tagB}')`,
      ),
    );
    expect(await listed(app, m, `tag_ids=${tagB}`)).toEqual([ids[1]!, ids[2]!].sort());
    expect(await listed(app, m, 'rfm_group=important_value')).toEqual(
      await direct(
        db,
        `select member_id as id from member_rfm where merchant_id = '${mid}' and rfm_group = 'important_value'`,
      ),
    );
    expect(await listed(app, m, 'rfm_group=important_value&lifecycle=core')).toEqual([ids[0]!]);
    expect(await listed(app, m, 'lifecycle=churned')).toEqual([ids[3]!]);
    const segment = await insertSegment(db, m, {
      op: 'or',
      rules: [
        { field: 'tag', has: 'any', tag_ids: [tagA] },
        { field: 'lifecycle', in: ['dormant'] },
      ],
    });
    expect(await listed(app, m, `segment_id=${segment}`)).toEqual(
      [ids[0]!, ids[1]!, ids[2]!].sort(),
    );
    expect(await listed(app, m, `segment_id=${segment}&lifecycle=core`)).toEqual([ids[0]!]);
    const total = await app.inject({
      method: 'GET',
      url: `/api/members?tag_ids=${tagA}`,
      headers: auth(m.tokens.marketer),
    });
    expect(total.json().total).toBe(2);
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/members?segment_id=${randomUUID()}`,
      headers: auth(m.tokens.marketer),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'segment.not_found', field: 'segment_id' });
    const bad = await app.inject({
      method: 'GET',
      url: '/api/members?tag_ids=nope',
      headers: auth(m.tokens.marketer),
    });
    expect(bad.statusCode).toBe(400);
    const csv = await app.inject({
      method: 'GET',
      url: `/api/members/export?rfm_group=important_value`,
      headers: auth(m.tokens.marketer),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(3); // header + two members
  });
});

describe('bulk actions', () => {
  it('tags a whole filter, pushes a coupon once per Idempotency-Key, creates guide tasks', async () => {
    const { app, db, m, ids, tagA } = await world();
    const tagC = await insertTag(db, m, '待唤醒');
    const tagged = await app.inject({
      method: 'POST',
      url: '/api/members/bulk/tags',
      headers: auth(m.tokens.marketer),
      payload: { filter: { lifecycle: 'dormant' }, tag_id: tagC },
    });
    expect(tagged.json()).toEqual({ members: 1, added: 1 });
    const rows = await db
      .selectFrom('member_tag')
      .select('member_id')
      .where('merchant_id', '=', m.merchantId)
      .where('tag_id', '=', tagC)
      .execute();
    expect(rows.map((r) => r.member_id)).toEqual([ids[2]!]);
    const both = await app.inject({
      method: 'POST',
      url: '/api/members/bulk/tags',
      headers: auth(m.tokens.marketer),
      payload: { filter: {}, member_ids: [ids[0]!], tag_id: tagC },
    });
    expect(both.statusCode).toBe(400);

    const template = await postWithKey(app, m.tokens.marketer, '/api/coupon-templates', {
      name: '满100减50',
      benefit: { kind: 'cash_voucher', value_fen: 5000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    });
    expect(template.statusCode, template.body).toBe(201);
    const key = randomUUID();
    const push = () =>
      postWithKey(
        app,
        m.tokens.marketer,
        '/api/members/bulk/coupons',
        { filter: { tag_ids: tagA }, template_id: template.json().id },
        key,
      );
    const first = await push();
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ members: 2, issued: 2, over_limit: 0, out_of_stock: 0 });
    const again = await push();
    expect(again.json()).toEqual(first.json());
    const coupons = await db
      .selectFrom('coupon')
      .select('member_id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(coupons.map((c) => c.member_id).sort()).toEqual([ids[0]!, ids[1]!].sort());

    await db
      .updateTable('member')
      .set({ guide_staff_id: m.staffIds.cashier })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', ids[0]!)
      .execute();
    const tasks = await postWithKey(app, m.tokens.marketer, '/api/members/bulk/guide-tasks', {
      member_ids: [ids[0]!, ids[1]!],
      kind: 'invite_back',
      title: '邀请回店',
      due_at: new Date().toISOString(),
    });
    expect(tasks.json()).toEqual({ members: 2, created: 1, skipped: 1 });
    const cashier = await postWithKey(app, m.tokens.cashier, '/api/members/bulk/coupons', {
      member_ids: [ids[0]!],
      template_id: template.json().id,
    });
    expect(cashier.statusCode).toBe(403);
  });
});
