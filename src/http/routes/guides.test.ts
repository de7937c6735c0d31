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
import { createStore } from '../../core/tenancy/store.service.ts';
import type { Db } from '../../db/database.ts';

const DAY = 86_400_000;

async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const ctx = m.ctx();
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, ctx, { code: 'S1', name: '一店' }));
  await db
    .updateTable('staff')
    .set({ store_id: store.id })
    .where('merchant_id', '=', m.merchantId)
    .where('id', '=', m.staffIds.cashier)
    .execute();
  const members = [];
  for (let i = 0; i < 3; i++)
    members.push(await createMember(db, ctx, { name: `会员${i}`, home_store_id: store.id }));
  return { app, db, m, store, members };
}

const get = (app: Awaited<ReturnType<typeof testApp>>['app'], token: string, url: string) =>
  app.inject({ method: 'GET', url, headers: auth(token) });

/** A paid order of the member at `paidAt`, straight into sale_order (what the report reads). */
async function insertOrder(
  db: Db,
  m: TestMerchant,
  storeId: string,
  memberId: string,
  paidAt: Date,
  dueFen: number,
  status = 'paid',
) {
  const id = randomUUID();
  await sql`insert into sale_order (merchant_id, id, number, channel, member_id, store_id, status,
      amount_fen, tier_discount_fen, coupon_discount_fen, points_used, points_deduction_fen, due_fen,
      principal_fen, bonus_fen, tender_fen, points_earned, growth, applied_coupon_ids, trace,
      paid_at, created_at)
    values (${m.merchantId}, ${id}, nextval('sale_order_number'), 'till', ${memberId}, ${storeId},
      ${status}, ${dueFen}, 0, 0, 0, 0, ${dueFen}, 0, 0, ${dueFen}, 0, 0, '{}', '[]', ${paidAt}, ${paidAt})`.execute(
    db,
  );
  return id;
}

describe('guide assignment', () => {
  it('assigns by list and a whole home store to a staff member of that store', async () => {
    const { app, db, m, store, members } = await world();
    const byList = await app.inject({
      method: 'POST',
      url: '/api/guides/assignments',
      headers: auth(m.tokens.manager),
      payload: { member_ids: [members[0]!.id], staff_id: m.staffIds.manager },
    });
    expect(byList.json()).toEqual({ assigned: 1 });
    const wrongStore = await app.inject({
      method: 'POST',
      url: '/api/guides/store-assignments',
      headers: auth(m.tokens.manager),
      payload: { store_id: store.id, staff_id: m.staffIds.manager },
    });
    expect(wrongStore.statusCode).toBe(422);
    expect(wrongStore.json().error).toMatchObject({
      code: 'guide.staff_not_in_store',
      field: 'staff_id',
    });
    const byStore = await app.inject({
      method: 'POST',
      url: '/api/guides/store-assignments',
      headers: auth(m.tokens.owner),
      payload: { store_id: store.id, staff_id: m.staffIds.cashier },
    });
    expect(byStore.json()).toEqual({ assigned: 3 });
    const rows = await db
      .selectFrom('member')
      .select('guide_staff_id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(rows.map((r) => r.guide_staff_id)).toEqual([
      m.staffIds.cashier,
      m.staffIds.cashier,
      m.staffIds.cashier,
    ]);
    const cashier = await app.inject({
      method: 'POST',
      url: '/api/guides/assignments',
      headers: auth(m.tokens.cashier),
      payload: { member_ids: [members[0]!.id], staff_id: null },
    });
    expect(cashier.statusCode).toBe(403);
    const guide = await get(app, m.tokens.cashier, `/api/members/${members[0]!.id}/guide`);
    expect(guide.json().guide).toMatchObject({ id: m.staffIds.cashier, store_id: store.id });
    const guides = await get(app, m.tokens.manager, '/api/guides');
    expect(
      guides.json().items.find((g: { id: string }) => g.id === m.staffIds.cashier),
    ).toMatchObject({ members: 3, open_tasks: 0 });
  });
});

describe('guide tasks', () => {
  it('a guide works their own list; others’ tasks are out of sight', async () => {
    const { app, db, m, members } = await world();
    await db
      .updateTable('member')
      .set({ guide_staff_id: m.staffIds.cashier })
      .where('merchant_id', '=', m.merchantId)
      .where('id', 'in', [members[0]!.id, members[1]!.id])
      .execute();
    const now = Date.now();
    const payload = (dueAt: number, extra = {}) => ({
      member_ids: members.map((x) => x.id),
      kind: 'call',
      title: '回访老客',
      script: '您好，最近新品上市…',
      due_at: new Date(dueAt).toISOString(),
      ...extra,
    });
    const key = randomUUID();
    const first = await postWithKey(app, m.tokens.manager, '/api/guide-tasks', payload(now), key);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ created: 2, skipped: 1 });
    const replay = await postWithKey(app, m.tokens.manager, '/api/guide-tasks', payload(now), key);
    expect(replay.json()).toEqual({ created: 2, skipped: 1 });
    await postWithKey(
      app,
      m.tokens.manager,
      '/api/guide-tasks',
      payload(now - 3 * DAY, { member_ids: [members[0]!.id] }),
    );
    const mine = await postWithKey(
      app,
      m.tokens.manager,
      '/api/guide-tasks',
      payload(now, { member_ids: [members[2]!.id], staff_id: m.staffIds.manager }),
    );
    expect(mine.json()).toEqual({ created: 1, skipped: 0 });
    expect(
      await db
        .selectFrom('guide_task')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('merchant_id', '=', m.merchantId)
        .executeTakeFirst(),
    ).toEqual({ n: 4 });

    const open = await get(app, m.tokens.cashier, '/api/guide-tasks');
    expect(open.statusCode).toBe(200);
    const items = open.json().items;
    expect(items).toHaveLength(3);
    expect(items.every((t: { staff_id: string }) => t.staff_id === m.staffIds.cashier)).toBe(true);
    expect(items[0].member_phone).toMatch(/\*/); // a cashier has no members.pii
    const overdue = await get(app, m.tokens.cashier, '/api/guide-tasks?view=overdue');
    expect(overdue.json().items).toHaveLength(1);
    const paged = await get(app, m.tokens.cashier, '/api/guide-tasks?limit=2');
    expect(paged.json().items).toHaveLength(2);
    const next = await get(
      app,
      m.tokens.cashier,
      `/api/guide-tasks?limit=2&cursor=${paged.json().next_cursor}`,
    );
    expect(next.json().items.map((t: { id: string }) => t.id)).toEqual([items[2].id]);

    const others = await get(
      app,
      m.tokens.cashier,
      `/api/guide-tasks?staff_id=${m.staffIds.manager}`,
    );
    expect(others.statusCode).toBe(403);
    expect(others.json().error.code).toBe('guide.others_tasks');
    const managersTask = (
      await get(app, m.tokens.manager, `/api/guide-tasks?staff_id=${m.staffIds.manager}`)
    ).json().items[0];
    const notMine = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${managersTask.id}/done`,
      headers: auth(m.tokens.cashier),
      payload: { outcome: 'reached' },
    });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().error.code).toBe('guide_task.not_found');

    const done = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${items[0].id}/done`,
      headers: auth(m.tokens.cashier),
      payload: { outcome: 'booked', note: '周六到店' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', outcome: 'booked', note: '周六到店' });
    const row = await db
      .selectFrom('guide_task')
      .select(['status', 'done_at'])
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', items[0].id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
    expect(row.done_at).toBeInstanceOf(Date);
    const again = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${items[0].id}/done`,
      headers: auth(m.tokens.cashier),
      payload: { outcome: 'reached' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('guide_task.not_open');
    const doneList = await get(app, m.tokens.cashier, '/api/guide-tasks?view=done');
    expect(doneList.json().items.map((t: { id: string }) => t.id)).toEqual([items[0].id]);

    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${items[1].id}/cancel`,
      headers: auth(m.tokens.manager),
    });
    expect(cancelled.json().status).toBe('cancelled');
    const cashierCancel = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${items[2].id}/cancel`,
      headers: auth(m.tokens.cashier),
    });
    expect(cashierCancel.statusCode).toBe(403);
    const bad = await app.inject({
      method: 'POST',
      url: `/api/guide-tasks/${items[2].id}/done`,
      headers: auth(m.tokens.cashier),
      payload: { outcome: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('guide report', () => {
  it('attributes an order within the window after a reaching task, not one outside it', async () => {
    const { app, db, m, store, members } = await world();
    const ctx = m.ctx();
    const [a, b, c] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]];
    const doneAt = new Date(Date.now() - 10 * DAY);
    const task = (memberId: string, status: string, outcome: string | null) =>
      db
        .insertInto('guide_task')
        .values({
          merchant_id: m.merchantId,
          id: randomUUID(),
          staff_id: m.staffIds.cashier,
          member_id: memberId,
          kind: 'call',
          title: 't',
          script: null,
          due_at: doneAt,
          status: status as 'open',
          outcome: outcome as null,
          note: null,
          campaign_id: null,
          created_at: doneAt,
          done_at: status === 'done' ? doneAt : null,
        })
        .execute();
    await task(a.id, 'done', 'reached');
    await task(b.id, 'done', 'no_answer');
    await task(c.id, 'open', null);
    await task(c.id, 'cancelled', null);
    await insertOrder(db, m, store.id, a.id, new Date(doneAt.getTime() + 2 * DAY), 5000); // in window
    await insertOrder(db, m, store.id, a.id, new Date(doneAt.getTime() + 8 * DAY), 7000); // after it
    await insertOrder(db, m, store.id, a.id, new Date(doneAt.getTime() - DAY), 9000); // before the task
    await insertOrder(db, m, store.id, a.id, new Date(doneAt.getTime() + DAY), 4000, 'refunded');
    await insertOrder(db, m, store.id, b.id, new Date(doneAt.getTime() + DAY), 3000); // not reached
    void ctx;
    const day = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
    const from = day(doneAt.getTime() - DAY);
    const to = day(Date.now());
    const res = await get(app, m.tokens.marketer, `/api/reports/guides?from=${from}&to=${to}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.window_days).toBe(7);
    expect(body.guides).toEqual([
      expect.objectContaining({
        staff_id: m.staffIds.cashier,
        tasks: 3,
        done: 2,
        done_rate_bp: 6666,
        reached_members: 1,
        attributed_orders: 1,
        attributed_revenue_fen: 5000,
      }),
    ]);
    expect(body.stores).toEqual([
      expect.objectContaining({
        store_id: store.id,
        store_name: '一店',
        tasks: 3,
        attributed_revenue_fen: 5000,
      }),
    ]);
    const filtered = await get(
      app,
      m.tokens.owner,
      `/api/reports/guides?from=${from}&to=${to}&store_id=${store.id}`,
    );
    expect(filtered.json().guides).toHaveLength(1);
    const reversed = await get(app, m.tokens.owner, `/api/reports/guides?from=${to}&to=${from}`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error).toMatchObject({ code: 'guide.range_invalid', field: 'to' });
    const cashier = await get(app, m.tokens.cashier, `/api/reports/guides?from=${from}&to=${to}`);
    expect(cashier.statusCode).toBe(403);

    // a 10-day window takes in the order 8 days after the task too
    const put = (token: string, payload: object) =>
      app.inject({ method: 'PUT', url: '/api/guides/setting', headers: auth(token), payload });
    expect((await put(m.tokens.marketer, { attribution_days: 0 })).json().error).toMatchObject({
      code: 'request.invalid',
      field: 'attribution_days',
    });
    expect((await put(m.tokens.cashier, { attribution_days: 10 })).statusCode).toBe(403);
    const set = await put(m.tokens.marketer, { attribution_days: 10 });
    expect(set.json()).toEqual({ attribution_days: 10 });
    expect((await get(app, m.tokens.owner, '/api/guides/setting')).json()).toEqual({
      attribution_days: 10,
    });
    const wider = (
      await get(app, m.tokens.owner, `/api/reports/guides?from=${from}&to=${to}`)
    ).json();
    expect(wider.window_days).toBe(10);
    expect(wider.guides[0]).toMatchObject({ attributed_orders: 2, attributed_revenue_fen: 12_000 });
  });
});
