import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  testApp,
  testConfig,
} from '../../../test/factories.ts';
import { postEntry } from '../../core/ledger/ledger.service.ts';
import type { LedgerName } from '../../core/ledger/ledger.table.ts';
import { signMemberCode } from '../../core/members/member-code.ts';
import { newId } from '../../lib/ids.ts';

/** Six members; B and F tie on points, E and F on balance, so the id must break ties. */
async function setup() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const ctx = m.ctx();
  const [baseTierId, tierId] = [newId(), newId()];
  const tier = (id: string, name: string, threshold: number) => ({
    merchant_id: m.merchantId,
    id,
    name,
    threshold,
    discount_bp: 500,
    points_multiplier_bp: 10_000,
    birthday_multiplier_bp: 10_000,
    rights: '[]',
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  await db
    .insertInto('tier')
    .values([tier(baseTierId, '普通会员', 0), tier(tierId, '金卡', 1000)])
    .execute();
  const spec = [
    { name: 'A', points: 0, principal: 0, bonus: 0, gold: false },
    { name: 'B', points: 500, principal: 10_000, bonus: 0, gold: true },
    { name: 'C', points: 1200, principal: 0, bonus: 3000, gold: false },
    { name: 'D', points: 80, principal: 50_000, bonus: 5000, gold: true },
    { name: 'E', points: 3000, principal: 9000, bonus: 0, gold: false },
    { name: 'F', points: 500, principal: 8000, bonus: 1000, gold: true },
  ];
  const members = [];
  for (const s of spec) {
    const member = await createMember(db, ctx, { name: s.name });
    await db.transaction().execute(async (trx) => {
      for (const [ledger, amount] of [
        ['points', s.points],
        ['principal', s.principal],
        ['bonus', s.bonus],
      ] as [LedgerName, number][]) {
        if (amount)
          await postEntry(trx, ctx, { ledger, memberId: member.id, amount, kind: 'test' });
      }
      if (s.gold)
        await trx
          .insertInto('member_loyalty')
          .values({
            merchant_id: m.merchantId,
            member_id: member.id,
            tier_id: tierId,
            growth: 1000,
            spend_fen: 0,
            tier_since: ctx.now,
            tier_review_at: null,
            activated_at: null,
            profile_bonus_at: null,
            updated_at: ctx.now,
          })
          .onConflict((oc) =>
            oc.columns(['merchant_id', 'member_id']).doUpdateSet({ tier_id: tierId }),
          )
          .execute();
    });
    members.push({ ...s, id: member.id, balance: s.principal + s.bonus });
  }
  const list = async (query: Record<string, string | number>) => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/members',
      query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
      headers: auth(m.tokens.cashier),
    });
    return res;
  };
  return { app, db, m, tierId, baseTierId, members, list };
}

const names = (body: { items: { name: string | null }[] }) => body.items.map((i) => i.name);

describe('member list', () => {
  it('shows tier, points and balance (principal + bonus) and counts the whole filtered set', async () => {
    const { list, tierId, baseTierId } = await setup();
    const res = await list({ limit: 2 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(6);
    expect(body.items).toHaveLength(2);
    // newest first: F then E
    expect(body.items[0]).toMatchObject({
      name: 'F',
      tier_id: tierId,
      points: 500,
      balance_fen: 9000,
    });
    expect(body.items[1]).toMatchObject({
      name: 'E',
      tier_id: baseTierId,
      points: 3000,
      balance_fen: 9000,
    });
    // a later page does not count again
    const next = await list({ limit: 2, cursor: body.next_cursor });
    expect(next.json().total).toBeNull();
  });

  it('filters by tier, points range and balance range (fen), with an exact total', async () => {
    const { list, tierId, baseTierId } = await setup();
    const gold = (await list({ tier_id: tierId })).json();
    expect(gold.total).toBe(3);
    expect(names(gold).sort()).toEqual(['B', 'D', 'F']);
    // members without a loyalty row yet stand on the base tier
    const base = (await list({ tier_id: baseTierId })).json();
    expect(names(base).sort()).toEqual(['A', 'C', 'E']);

    const points = (await list({ points_min: 500, points_max: 1200 })).json();
    expect(names(points).sort()).toEqual(['B', 'C', 'F']);
    expect(points.total).toBe(3);

    // the bonus counts: C has no principal but 30 yuan of bonus
    const balance = (await list({ balance_min_fen: 3000, balance_max_fen: 10_000 })).json();
    expect(names(balance).sort()).toEqual(['B', 'C', 'E', 'F']);

    const both = (await list({ tier_id: tierId, balance_min_fen: 20_000 })).json();
    expect(names(both)).toEqual(['D']);
    expect(both.total).toBe(1);
  });

  it('sorts by points and by balance, both directions, and the cursor walks every page exactly once', async () => {
    const { list, members } = await setup();
    const walk = async (sort: string, order: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages += 1) {
        const res = await list({ sort, order, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(res.statusCode).toBe(200);
        const body = res.json();
        seen.push(...names(body).map(String));
        if (!body.next_cursor) return seen;
        cursor = body.next_cursor;
      }
      throw new Error('cursor did not end');
    };
    // members are in creation order, which is id order (UUIDv7): ties go by id the same way
    const by = (key: 'points' | 'balance', dir: 1 | -1) =>
      members
        .map((x, i) => ({ ...x, i }))
        .sort((a, b) => dir * (a[key] - b[key] || a.i - b.i))
        .map((x) => x.name);
    expect(await walk('points', 'desc')).toEqual(by('points', -1));
    expect(await walk('points', 'asc')).toEqual(by('points', 1));
    expect(await walk('balance', 'desc')).toEqual(by('balance', -1));
    expect(await walk('balance', 'asc')).toEqual(by('balance', 1));
    expect(await walk('registered_at', 'asc')).toEqual(members.map((x) => x.name));
  });

  it('refuses a cursor of another sort key or with a non-UUID id as 400, not 500', async () => {
    const { list } = await setup();
    const first = (await list({ limit: 1 })).json();
    const wrongKey = await list({ sort: 'points', cursor: first.next_cursor });
    expect(wrongKey.statusCode).toBe(400);
    expect(wrongKey.json().error.code).toBe('member.cursor_invalid');
    const junk = Buffer.from(JSON.stringify({ v: 5, id: 'x' })).toString('base64url');
    const bad = await list({ sort: 'points', cursor: junk });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('cursor');
  });

  it('finds the member of a scanned dynamic member code, and nobody for an expired one', async () => {
    const { list, members, m } = await setup();
    const target = members[2];
    if (!target) throw new Error('no member');
    const { code } = signMemberCode(target.id, m.merchantId, new Date(), testConfig().secret);
    const found = (await list({ q: code })).json();
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([target.id]);
    expect(found.total).toBe(1);
    const old = signMemberCode(
      target.id,
      m.merchantId,
      new Date(Date.now() - 3_600_000),
      testConfig().secret,
    );
    const expired = (await list({ q: old.code })).json();
    expect(expired.items).toEqual([]);
    expect(expired.total).toBe(0);
  });

  it('never shows another merchant’s members, whatever the filter', async () => {
    const { app, db } = await testApp();
    const { tierId } = await setup();
    const other = await createTestMerchant(db);
    const res = await app.inject({
      method: 'GET',
      url: '/api/members',
      query: { tier_id: tierId },
      headers: auth(other.tokens.owner),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], next_cursor: null, total: 0 });
  });
});
