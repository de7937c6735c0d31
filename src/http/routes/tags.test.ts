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
import { daysBefore, insertOrders } from '../../../test/marketing-orders.ts';
import type { Db } from '../../db/database.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

const call = (app: App, token: string, method: string, url: string, payload?: object) =>
  app.inject({ method: method as 'POST', url, headers: auth(token), payload });

async function createTag(app: App, m: TestMerchant, body: object) {
  const res = await call(app, m.tokens.marketer, 'POST', '/api/tags', body);
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; member_count: number };
}

const holders = async (db: Db, m: TestMerchant, tagId: string) =>
  (
    await db
      .selectFrom('member_tag')
      .select('member_id')
      .where('merchant_id', '=', m.merchantId)
      .where('tag_id', '=', tagId)
      .execute()
  )
    .map((r) => r.member_id)
    .sort();

const history = (db: Db, m: TestMerchant, tagId: string) =>
  db
    .selectFrom('member_tag_history')
    .select(['member_id', 'change', 'source'])
    .where('merchant_id', '=', m.merchantId)
    .where('tag_id', '=', tagId)
    .orderBy('at')
    .orderBy('id')
    .execute();

describe('tag groups and tags', () => {
  it('creates groups with colours and tags in them; bad input changes nothing', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const group = await call(app, m.tokens.marketer, 'POST', '/api/tag-groups', {
      name: '偏好',
      color: '#FF8800',
    });
    expect(group.statusCode).toBe(201);
    expect(group.json()).toMatchObject({ name: '偏好', color: '#ff8800', sort: 0 });
    const tag = await createTag(app, m, {
      kind: 'manual',
      name: '爱吃甜',
      group_id: group.json().id,
    });
    expect(tag).toMatchObject({ member_count: 0, kind: 'manual', rule: null });

    const bad = await call(app, m.tokens.marketer, 'POST', '/api/tag-groups', {
      name: '坏色',
      color: 'red',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('request.invalid');
    const dup = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'manual',
      name: '爱吃甜',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'tag.name_taken', field: 'name' });
    const noGroup = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'manual',
      name: '无组',
      group_id: '00000000-0000-7000-8000-000000000000',
    });
    expect(noGroup.statusCode).toBe(404);
    expect(noGroup.json().error).toMatchObject({ code: 'tag.group_not_found', field: 'group_id' });
    const unknown = await call(
      app,
      m.tokens.marketer,
      'GET',
      '/api/tags/00000000-0000-7000-8000-000000000000',
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('tag.not_found');
    const badRule = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'rule',
      name: '坏规则',
      rule: { field: 'orders', days: 0, min: 1 },
    });
    expect(badRule.statusCode).toBe(400);
    const unknownField = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'rule',
      name: '未知字段',
      rule: { field: 'custom', key: 'no_such_field', op: 'set' },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.code).toBe('segment.unknown_field');
    expect(
      (await call(app, m.tokens.cashier, 'POST', '/api/tags', { kind: 'manual', name: 'x' }))
        .statusCode,
    ).toBe(403);
    const names = await db
      .selectFrom('tag')
      .select('name')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(names).toEqual([{ name: '爱吃甜' }]);

    const del = await call(app, m.tokens.marketer, 'DELETE', `/api/tag-groups/${group.json().id}`);
    expect(del.statusCode).toBe(204);
    const kept = await call(app, m.tokens.cashier, 'GET', `/api/tags/${tag.id}`);
    expect(kept.json()).toMatchObject({ id: tag.id, group_id: null });
  });
});

describe('member tags', () => {
  it('bulk adds and removes by list with history; a re-add writes no history', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const tag = await createTag(app, m, { kind: 'manual', name: '老顾客' });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => createMember(db, m.ctx())));
    const ids = [a!.id, b!.id, c!.id];
    const add = (member_ids: string[]) =>
      call(app, m.tokens.marketer, 'POST', `/api/tags/${tag.id}/members`, { member_ids });
    expect((await add(ids)).json()).toEqual({ changed: 3 });
    expect((await add([a!.id, b!.id])).json()).toEqual({ changed: 0 });
    expect(await holders(db, m, tag.id)).toEqual([...ids].sort());
    expect(await history(db, m, tag.id)).toHaveLength(3);

    const removed = await call(
      app,
      m.tokens.marketer,
      'POST',
      `/api/tags/${tag.id}/members/remove`,
      {
        member_ids: [a!.id],
      },
    );
    expect(removed.json()).toEqual({ changed: 1 });
    expect(await holders(db, m, tag.id)).toEqual([b!.id, c!.id].sort());
    const log = await history(db, m, tag.id);
    expect(log.map((h) => h.change)).toEqual(['added', 'added', 'added', 'removed']);
    expect(log[3]).toEqual({ member_id: a!.id, change: 'removed', source: 'manual' });

    // another merchant's member in the list: 404 naming the field, nothing added
    const other = await createTestMerchant(db);
    const stranger = await createMember(db, other.ctx());
    const mixed = await add([a!.id, stranger.id]);
    expect(mixed.statusCode).toBe(404);
    expect(mixed.json().error).toMatchObject({ code: 'member.not_found', field: 'member_ids' });
    expect(await holders(db, m, tag.id)).toEqual([b!.id, c!.id].sort());
    // another merchant cannot touch this tag
    const foreign = await call(app, other.tokens.marketer, 'POST', `/api/tags/${tag.id}/members`, {
      member_ids: [stranger.id],
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('tag.not_found');
  });

  it("adds and removes one member's tags and reads them with their history", async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const g = await call(app, m.tokens.marketer, 'POST', '/api/tag-groups', {
      name: '身份',
      color: '#112233',
    });
    const tag = await createTag(app, m, { kind: 'manual', name: 'VIP', group_id: g.json().id });
    const rule = await createTag(app, m, {
      kind: 'rule',
      name: '女性',
      rule: { field: 'gender', in: ['female'] },
    });
    const member = await createMember(db, m.ctx());
    const put = await call(app, m.tokens.cashier, 'POST', `/api/members/${member.id}/tags`, {
      tag_ids: [tag.id],
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual([
      expect.objectContaining({ tag_id: tag.id, name: 'VIP', color: '#112233', source: 'manual' }),
    ]);
    const byHand = await call(app, m.tokens.cashier, 'POST', `/api/members/${member.id}/tags`, {
      tag_ids: [rule.id],
    });
    expect(byHand.statusCode).toBe(422);
    expect(byHand.json().error).toMatchObject({ code: 'tag.not_manual', field: 'tag_ids' });
    const del = await call(
      app,
      m.tokens.cashier,
      'DELETE',
      `/api/members/${member.id}/tags/${tag.id}`,
    );
    expect(del.statusCode).toBe(204);
    const tags = await call(app, m.tokens.marketer, 'GET', `/api/members/${member.id}/tags`);
    expect(tags.json()).toEqual([]);
    const log = await call(app, m.tokens.marketer, 'GET', `/api/members/${member.id}/tag-history`);
    expect(
      log.json().map((h: { change: string; tag_name: string }) => [h.change, h.tag_name]),
    ).toEqual([
      ['removed', 'VIP'],
      ['added', 'VIP'],
    ]);
    const byTag = await call(app, m.tokens.marketer, 'GET', `/api/tags/${tag.id}/history?limit=1`);
    expect(byTag.json()).toHaveLength(1);
  });

  it('tags members matching a segment rule in bulk', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const tag = await createTag(app, m, { kind: 'manual', name: '女宾' });
    const f1 = await createMember(db, m.ctx(), { gender: 'female' });
    const f2 = await createMember(db, m.ctx(), { gender: 'female' });
    await createMember(db, m.ctx(), { gender: 'male' });
    const res = await call(app, m.tokens.marketer, 'POST', `/api/tags/${tag.id}/members`, {
      rule: { field: 'gender', in: ['female'] },
    });
    expect(res.json()).toEqual({ changed: 2 });
    expect(await holders(db, m, tag.id)).toEqual([f1.id, f2.id].sort());
    const both = await call(app, m.tokens.marketer, 'POST', `/api/tags/${tag.id}/members`, {
      rule: { field: 'gender', in: ['female'] },
      member_ids: [f1.id],
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error).toMatchObject({ code: 'tag.members_or_rule', field: 'member_ids' });
    const ruleless = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'rule',
      name: '无规则',
    });
    expect(ruleless.statusCode).toBe(422);
    expect(ruleless.json().error).toMatchObject({ code: 'tag.kind_mismatch', field: 'rule' });
    const off = await call(app, m.tokens.marketer, 'POST', `/api/tags/${tag.id}/members/remove`, {
      rule: { field: 'gender', in: ['female'] },
    });
    expect(off.json()).toEqual({ changed: 2 });
    expect(await holders(db, m, tag.id)).toEqual([]);
  });
});

describe('rule tags', () => {
  it('refresh adds the matching and removes the others, exactly as a direct query', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const now = new Date();
    const members = await Promise.all([0, 1, 2, 3, 4].map(() => createMember(db, m.ctx())));
    const [a, b, c, d, e] = members.map((x) => x.id) as [string, string, string, string, string];
    // "bought 芒果系列 in the last 90 days" (the category-preference template)
    await insertOrders(db, m.ctx(), [
      { memberId: a, paidAt: daysBefore(now, 10), dueFen: 3000, category: '芒果系列' },
      { memberId: b, paidAt: daysBefore(now, 100), dueFen: 3000, category: '芒果系列' },
      { memberId: c, paidAt: daysBefore(now, 5), dueFen: 3000, category: '面包' },
      { memberId: d, paidAt: daysBefore(now, 20), dueFen: 3000, category: '芒果系列' },
    ]);
    const tag = await createTag(app, m, {
      kind: 'rule',
      name: '芒果控',
      rule: { field: 'category', codes: ['芒果系列'], days: 90 },
    });
    const direct = async () =>
      (
        await sql<{ member_id: string }>`
          select distinct o.member_id from sale_order o
          join sale_order_line l on l.merchant_id = o.merchant_id and l.order_id = o.id
          join member mb on mb.merchant_id = o.merchant_id and mb.id = o.member_id
          where o.merchant_id = ${m.merchantId} and l.category = '芒果系列'
            and o.status <> 'refunded' and mb.status = 'active'
            and o.paid_at >= ${daysBefore(new Date(), 90)}`.execute(db)
      ).rows
        .map((r) => r.member_id)
        .sort();
    const refresh = () => call(app, m.tokens.marketer, 'POST', `/api/tags/${tag.id}/refresh`);

    // e holds it wrongly before the first refresh (say, from an older rule)
    await db
      .insertInto('member_tag')
      .values({
        merchant_id: m.merchantId,
        tag_id: tag.id,
        member_id: e,
        source: 'rule',
        added_at: now,
      })
      .execute();
    const first = await refresh();
    expect(first.json()).toEqual({ tag_id: tag.id, added: 2, removed: 1 });
    expect(await holders(db, m, tag.id)).toEqual(await direct());
    expect(await holders(db, m, tag.id)).toEqual([a, d].sort());

    // d is erased, b buys mangoes again: the next refresh follows
    await db
      .updateTable('member')
      .set({ status: 'erased' })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', d)
      .execute();
    await insertOrders(db, m.ctx(), [
      { memberId: b, paidAt: daysBefore(now, 1), dueFen: 3000, category: '芒果系列' },
    ]);
    const second = await call(app, m.tokens.marketer, 'POST', '/api/tags/refresh');
    expect(second.json()).toEqual([{ tag_id: tag.id, added: 1, removed: 1 }]);
    expect(await holders(db, m, tag.id)).toEqual(await direct());
    expect(await holders(db, m, tag.id)).toEqual([a, b].sort());
    const again = await refresh();
    expect(again.json()).toEqual({ tag_id: tag.id, added: 0, removed: 0 });
    const log = await history(db, m, tag.id);
    expect(log.filter((h) => h.change === 'added')).toHaveLength(3);
    expect(
      log
        .filter((h) => h.change === 'removed')
        .map((h) => h.member_id)
        .sort(),
    ).toEqual([d, e].sort());
    expect(log.every((h) => h.source === 'rule')).toBe(true);
    const listed = await call(app, m.tokens.cashier, 'GET', '/api/tags');
    expect(listed.json()[0]).toMatchObject({ id: tag.id, member_count: 2 });
  });
});

describe('interaction tags', () => {
  it('a coupon claim adds the coupon_claim tags once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const tag = await createTag(app, m, {
      kind: 'interaction',
      name: '领券达人',
      interaction: 'coupon_claim',
    });
    await createTag(app, m, { kind: 'interaction', name: '分享达人', interaction: 'share' });
    const template = await postWithKey(app, m.tokens.marketer, '/api/coupon-templates', {
      name: '满100减20',
      benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2_000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    });
    const member = await createMember(db, m.ctx());
    for (let i = 0; i < 2; i++) {
      const claim = await postWithKey(
        app,
        m.tokens.cashier,
        `/api/coupon-templates/${template.json().id}/claim`,
        { member_id: member.id },
      );
      expect(claim.statusCode).toBe(201);
    }
    const tags = await call(app, m.tokens.cashier, 'GET', `/api/members/${member.id}/tags`);
    expect(tags.json()).toEqual([
      expect.objectContaining({ tag_id: tag.id, source: 'interaction' }),
    ]);
    expect(await history(db, m, tag.id)).toEqual([
      { member_id: member.id, change: 'added', source: 'interaction' },
    ]);
    const unknown = await call(app, m.tokens.marketer, 'POST', '/api/tags', {
      kind: 'interaction',
      name: '未知',
      interaction: 'dance',
    });
    expect(unknown.statusCode).toBe(400);
  });
});
