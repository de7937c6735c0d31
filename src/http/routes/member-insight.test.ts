import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
} from '../../../test/factories.ts';
import { createStore } from '../../core/tenancy/store.service.ts';

describe('member timeline', () => {
  it('lists orders, ledger entries, tags, lifecycle, tasks, messages and audit newest first, paged', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const store = await db
      .transaction()
      .execute((trx) => createStore(trx, ctx, { code: 'S1', name: '一店' }));
    const member = await createMember(db, ctx, { name: '小王' });
    const other = await createMember(db, ctx);
    const t0 = Date.now() - 10 * 60_000;
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const mid = m.merchantId;
    const order = randomUUID();
    for (const [id, who] of [
      [order, member.id],
      [randomUUID(), other.id],
    ] as const)
      await sql`insert into sale_order (merchant_id, id, number, channel, member_id, store_id, status,
          amount_fen, tier_discount_fen, coupon_discount_fen, points_used, points_deduction_fen, due_fen,
          principal_fen, bonus_fen, tender_fen, points_earned, growth, applied_coupon_ids, trace, paid_at, created_at)
        values (${mid}, ${id}, nextval('sale_order_number'), 'till', ${who}, ${store.id}, 'paid',
          1200, 0, 0, 0, 0, 1200, 0, 0, 1200, 0, 0, '{}', '[]', ${at(1)}, ${at(1)})`.execute(db);
    const tag = randomUUID();
    await sql`insert into tag (merchant_id, id, name, kind, created_at, updated_at)
      values (${mid}, ${tag}, '芒果控', 'manual', ${at(0)}, ${at(0)})`.execute(db);
    await sql`insert into member_tag_history (merchant_id, id, tag_id, member_id, change, source, at)
      values (${mid}, ${randomUUID()}, ${tag}, ${member.id}, 'added', 'manual', ${at(2)})`.execute(
      db,
    );
    await sql`insert into member_lifecycle_change (merchant_id, id, member_id, from_stage, to_stage, changed_at)
      values (${mid}, ${randomUUID()}, ${member.id}, 'new', 'active', ${at(3)})`.execute(db);
    const task = randomUUID();
    await sql`insert into guide_task (merchant_id, id, staff_id, member_id, kind, title, due_at, status, outcome, created_at, done_at)
      values (${mid}, ${task}, ${m.staffIds.cashier}, ${member.id}, 'call', '回访', ${at(5)}, 'done', 'reached', ${at(4)}, ${at(5)})`.execute(
      db,
    );
    await sql`insert into member_message (merchant_id, id, member_id, purpose, title, body, created_at)
      values (${mid}, ${randomUUID()}, ${member.id}, 'marketing', '新品上市', '…', ${at(6)})`.execute(
      db,
    );
    const grant = await postWithKey(app, m.tokens.owner, `/api/members/${member.id}/points/grant`, {
      points: 50,
      reason: '补偿',
    });
    expect(grant.statusCode).toBeLessThan(300);

    const res = await app.inject({
      method: 'GET',
      url: `/api/members/${member.id}/timeline`,
      headers: auth(m.tokens.cashier),
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      at: string;
      type: string;
      amount: number | null;
      label: string | null;
      detail: string | null;
      id: string;
    }[];
    const types = items.map((e) => e.type);
    // the grant (now) first, then the inserted events newest first; the other member's order absent
    expect(types.slice(-6)).toEqual([
      'message',
      'task_done',
      'task_created',
      'lifecycle',
      'tag',
      'order',
    ]);
    expect(types).toContain('ledger');
    expect(types.indexOf('ledger')).toBeLessThan(types.indexOf('message'));
    const sorted = [...items].sort((a, b) => b.at.localeCompare(a.at));
    expect(items.map((e) => e.at)).toEqual(sorted.map((e) => e.at));
    expect(items.find((e) => e.type === 'order')).toMatchObject({
      id: order,
      amount: 1200,
      detail: 'paid',
    });
    expect(items.find((e) => e.type === 'tag')).toMatchObject({ label: '芒果控', detail: 'added' });
    expect(items.find((e) => e.type === 'lifecycle')).toMatchObject({
      label: 'active',
      detail: 'new',
    });
    expect(items.find((e) => e.type === 'task_done')).toMatchObject({
      id: task,
      detail: 'reached',
    });
    expect(items.find((e) => e.type === 'ledger')).toMatchObject({ amount: 50, label: 'points' });

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/members/${member.id}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (
        await app.inject({ method: 'GET', url, headers: auth(m.tokens.cashier) })
      ).json();
      pages.push(...page.items.map((e: { type: string; id: string }) => `${e.type}:${e.id}`));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(items.map((e) => `${e.type}:${e.id}`));

    const foreign = await createTestMerchant(db);
    const hidden = await app.inject({
      method: 'GET',
      url: `/api/members/${member.id}/timeline`,
      headers: auth(foreign.tokens.owner),
    });
    expect(hidden.statusCode).toBe(404);
    const bad = await app.inject({
      method: 'GET',
      url: `/api/members/${member.id}/timeline?cursor=xyz`,
      headers: auth(m.tokens.owner),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'request.cursor_invalid', field: 'cursor' });
  });

  it('shows the member’s RFM and lifecycle', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const member = await createMember(db, m.ctx());
    const empty = await app.inject({
      method: 'GET',
      url: `/api/members/${member.id}/marketing`,
      headers: auth(m.tokens.marketer),
    });
    expect(empty.json()).toEqual({ rfm: null, campaigns: [] });
    await db
      .insertInto('member_rfm')
      .values({
        merchant_id: m.merchantId,
        member_id: member.id,
        r: 5,
        f: 4,
        m: 3,
        rfm_group: 'important_value',
        lifecycle: 'core',
        computed_at: new Date(),
      })
      .execute();
    const res = await app.inject({
      method: 'GET',
      url: `/api/members/${member.id}/marketing`,
      headers: auth(m.tokens.marketer),
    });
    expect(res.json().rfm).toMatchObject({
      r: 5,
      f: 4,
      m: 3,
      rfm_group: 'important_value',
      lifecycle: 'core',
    });
  });
});
