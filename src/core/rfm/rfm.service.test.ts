import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  type TestMerchant,
  testApp,
} from '../../../test/factories.ts';
import { daysBefore, insertOrders } from '../../../test/marketing-orders.ts';
import type { Db } from '../../db/database.ts';
import { localDateOf } from '../../lib/time.ts';
import { recomputeRfm } from './rfm.service.ts';

const DAY = 86_400_000;

/**
 * Seven members with orders in the window (hand-computed quintiles below, with ties), one whose
 * only order is older than the window, one who never ordered and joined 100 days ago, one who
 * joined today. Orders at whole days before `now` (plus an hour, so no boundary is touched).
 */
async function crafted(db: Db, m: TestMerchant, now: Date) {
  const at = (d: number) => daysBefore(now, d, 1);
  const member = () => createMember(db, m.ctx('owner', daysBefore(now, 500)));
  const [A, B, C, D, E, F, G, H] = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(member));
  const I = await createMember(db, m.ctx('owner', daysBefore(now, 100)));
  const J = await createMember(db, m.ctx('owner', now));
  const o = (memberId: string, days: number, dueFen: number, extra = {}) => ({
    memberId: memberId,
    paidAt: at(days),
    dueFen,
    ...extra,
  });
  const ids = { A, B, C, D, E, F, G, H, I, J } as Record<string, { id: string }>;
  await insertOrders(db, m.ctx(), [
    ...[1, 10, 20, 40, 50, 60].map((d) => o(A!.id, d, 10_000)),
    o(B!.id, 5, 5_000),
    o(B!.id, 100, 5_000),
    o(C!.id, 5, 20_000),
    o(D!.id, 100, 5_000),
    o(E!.id, 200, 5_000),
    o(E!.id, 300, 5_000),
    // net of the partial refund: 20000; the fully refunded order does not count at all
    o(F!.id, 31, 30_000, { status: 'partially_refunded', refundedFen: 10_000 }),
    o(F!.id, 2, 99_999, { status: 'refunded', refundedFen: 99_999 }),
    ...[2, 3, 4].map((d) => o(G!.id, d, 1_000)),
    o(H!.id, 400, 50_000),
  ]);
  return Object.fromEntries(Object.entries(ids).map(([k, v]) => [v.id, k])) as Record<
    string,
    string
  >;
}

async function rfmRows(db: Db, m: TestMerchant, names: Record<string, string>) {
  const rows = await db
    .selectFrom('member_rfm')
    .select(['member_id', 'r', 'f', 'm', 'rfm_group', 'lifecycle'])
    .where('merchant_id', '=', m.merchantId)
    .execute();
  return Object.fromEntries(
    rows.map(({ member_id, ...rest }) => [names[member_id] ?? member_id, rest]),
  );
}

const changesOf = (db: Db, m: TestMerchant) =>
  db
    .selectFrom('member_lifecycle_change')
    .select(['member_id', 'from_stage', 'to_stage', 'changed_at'])
    .where('merchant_id', '=', m.merchantId)
    .orderBy('changed_at')
    .execute();

describe('RFM and lifecycle', () => {
  it('scores quintiles with ties, groups and stages as hand-computed; idempotent', async () => {
    const { db } = await testApp();
    const m = await createTestMerchant(db);
    const now = new Date(Date.UTC(2026, 10, 30, 4));
    const names = await crafted(db, m, now);

    const outcome = await recomputeRfm(db, m.ctx('owner', now));
    expect(outcome).toMatchObject({ members: 10, scored: 7, changes: 10 });
    // R by days since the last order, desc: E200 D100 F31 B5=C5 G2 A1 → ranks 1 2 3 4 4 6 7,
    // score ⌊5(rank−1)/7⌋+1 → 1 1 2 3 3 4 5. F: C=D=F 1 (rank 1), B=E 2 (rank 4), G 3, A 6.
    // M: G 3000, D 5000, B=E 10000 (rank 3), C=F 20000 (rank 5; F net of its refund), A 60000.
    const expected = {
      A: { r: 5, f: 5, m: 5, rfm_group: 'important_value', lifecycle: 'core' },
      B: { r: 3, f: 3, m: 2, rfm_group: 'general_value', lifecycle: 'active' },
      C: { r: 3, f: 1, m: 3, rfm_group: 'important_develop', lifecycle: 'new' },
      D: { r: 1, f: 1, m: 1, rfm_group: 'general_retain', lifecycle: 'dormant' },
      E: { r: 1, f: 3, m: 2, rfm_group: 'general_keep', lifecycle: 'churned' },
      F: { r: 2, f: 1, m: 3, rfm_group: 'important_retain', lifecycle: 'active' },
      G: { r: 4, f: 4, m: 1, rfm_group: 'general_value', lifecycle: 'new' },
      H: { r: null, f: null, m: null, rfm_group: null, lifecycle: 'churned' },
      I: { r: null, f: null, m: null, rfm_group: null, lifecycle: 'dormant' },
      J: { r: null, f: null, m: null, rfm_group: null, lifecycle: 'new' },
    };
    expect(await rfmRows(db, m, names)).toEqual(expected);
    const first = await changesOf(db, m);
    expect(first).toHaveLength(10);
    expect(first.every((c) => c.from_stage === null)).toBe(true);

    // the same instant again: nothing changes, nothing is recorded
    const again = await recomputeRfm(db, m.ctx('owner', now));
    expect(again.changes).toBe(0);
    expect(await rfmRows(db, m, names)).toEqual(expected);
    expect(await changesOf(db, m)).toHaveLength(10);

    // 60 days on, no new orders: C and G are no longer new, F has slept 91 days
    const later = new Date(now.getTime() + 60 * DAY);
    expect((await recomputeRfm(db, m.ctx('owner', later))).changes).toBe(3);
    const moved = (await changesOf(db, m)).slice(10).map((c) => ({
      who: names[c.member_id],
      from: c.from_stage,
      to: c.to_stage,
    }));
    expect(moved.sort((a, b) => a.who!.localeCompare(b.who!))).toEqual([
      { who: 'C', from: 'new', to: 'active' },
      { who: 'F', from: 'active', to: 'dormant' },
      { who: 'G', from: 'new', to: 'active' },
    ]);

    // over HTTP: the transitions of that day, and who went from active to dormant
    const { app } = await testApp();
    const day = localDateOf(later, 'Asia/Shanghai');
    const res = await app.inject({
      url: `/api/rfm/transitions?from=${day}&to=${day}`,
      headers: auth(m.tokens.marketer),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(
      expect.arrayContaining([
        { from_stage: 'new', to_stage: 'active', count: 2 },
        { from_stage: 'active', to_stage: 'dormant', count: 1 },
      ]),
    );
    const who = await app.inject({
      url: `/api/rfm/transitions/members?from=${day}&to=${day}&from_stage=active&to_stage=dormant`,
      headers: auth(m.tokens.marketer),
    });
    expect(who.json().map((w: { member_id: string }) => names[w.member_id])).toEqual(['F']);
  });

  it('leaves out members no longer active and never touches another merchant', async () => {
    const { db } = await testApp();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const now = new Date();
    const a = await createMember(db, m.ctx());
    const b = await createMember(db, m.ctx());
    const x = await createMember(db, other.ctx());
    await insertOrders(db, m.ctx(), [{ memberId: a.id, paidAt: daysBefore(now, 3), dueFen: 100 }]);
    await recomputeRfm(db, other.ctx());
    await recomputeRfm(db, m.ctx('owner', now));
    await db
      .updateTable('member')
      .set({ status: 'erased' })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', b.id)
      .execute();
    const outcome = await recomputeRfm(db, m.ctx('owner', now));
    expect(outcome).toMatchObject({ members: 1, scored: 1, changes: 0 });
    const rows = await db
      .selectFrom('member_rfm')
      .select(['merchant_id', 'member_id', 'r'])
      .where('merchant_id', 'in', [m.merchantId, other.merchantId])
      .orderBy('merchant_id')
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { merchant_id: m.merchantId, member_id: a.id, r: 1 },
        { merchant_id: other.merchantId, member_id: x.id, r: null },
      ]),
    );
    expect(rows).toHaveLength(2);
  });
});

describe('RFM routes', () => {
  it('reads defaults, patches settings, refuses bad windows and thresholds', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const get = await app.inject({ url: '/api/rfm/setting', headers: auth(m.tokens.marketer) });
    expect(get.json()).toEqual({
      window_days: 365,
      new_days: 30,
      dormant_days: 90,
      churned_days: 180,
      core_min_orders: 6,
      recompute_at: '04:00',
      computed_at: null,
    });
    const patch = (payload: object, token = m.tokens.marketer) =>
      app.inject({ method: 'PATCH', url: '/api/rfm/setting', headers: auth(token), payload });
    const ok = await patch({ window_days: 180, recompute_at: '03:30' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ window_days: 180, recompute_at: '03:30' });
    for (const bad of [{ window_days: 10 }, { window_days: 5000 }, { color: 'x' }, {}]) {
      const res = await patch(bad);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
    }
    const crossed = await patch({ dormant_days: 200 });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.code).toBe('rfm.thresholds_invalid');
    expect((await patch({ window_days: 200 }, m.tokens.cashier)).statusCode).toBe(403);
    const row = await db
      .selectFrom('rfm_setting')
      .select(['window_days', 'dormant_days'])
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ window_days: 180, dormant_days: 90 });
  });

  it('recomputes on demand and shows the distribution; a range ending before it starts is 400', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const a = await createMember(db, m.ctx());
    await createMember(db, m.ctx());
    await insertOrders(db, m.ctx(), [
      { memberId: a.id, paidAt: daysBefore(new Date(), 2), dueFen: 500 },
    ]);
    const run = await app.inject({
      method: 'POST',
      url: '/api/rfm/recompute',
      headers: auth(m.tokens.marketer),
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ members: 2, scored: 1, changes: 2 });
    const dist = await app.inject({
      url: '/api/rfm/distribution',
      headers: { ...auth(m.tokens.marketer), 'accept-language': 'zh-CN' },
    });
    const body = dist.json();
    expect(body.members).toBe(2);
    // one member alone ties with itself: every score is that of the first of the tie, 1
    expect(body.groups.find((g: { group: string }) => g.group === 'general_retain')).toEqual({
      group: 'general_retain',
      name: '一般挽留客户',
      count: 1,
    });
    expect(body.groups.find((g: { group: string | null }) => g.group === null).count).toBe(1);
    expect(body.lifecycle.find((l: { stage: string }) => l.stage === 'new').count).toBe(2);
    expect(body.scores.r).toEqual(
      [1, 2, 3, 4, 5].map((score) => ({ score, count: score === 1 ? 1 : 0 })),
    );
    const bad = await app.inject({
      url: '/api/rfm/transitions?from=2026-12-02&to=2026-12-01',
      headers: auth(m.tokens.marketer),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'rfm.range_invalid', field: 'to' });
  });
});
