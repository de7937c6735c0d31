import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { creditPoints, debitPoints } from '../points/points-lot.service.ts';
import { emitEvent, emitEvents } from './webhook-event.service.ts';
import {
  createSubscription,
  deleteSubscription,
  updateSubscription,
} from './webhook-subscription.service.ts';

const subscribe = (db: Db, ctx: Ctx, event_types: string[]) =>
  db.transaction().execute((trx) =>
    createSubscription(trx, ctx, {
      name: 'ERP',
      url: 'https://erp.example.com/hook',
      event_types,
    }),
  );

const outboxOf = (db: Db, ctx: Ctx) =>
  db
    .selectFrom('outbox_message')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at')
    .execute();

const eventsOf = (db: Db, ctx: Ctx) =>
  db.selectFrom('webhook_event').selectAll().where('merchant_id', '=', ctx.merchantId).execute();

describe('emitEvent', () => {
  it('writes nothing for a merchant without a subscription to the type', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    await subscribe(db, m.ctx(), ['order.committed']);
    await db.transaction().execute((trx) => emitEvent(trx, m.ctx(), 'member.created', { a: 1 }));
    await db
      .transaction()
      .execute((trx) => emitEvents(trx, m.ctx(), 'coupon.issued', [{ a: 1 }, { a: 2 }]));
    expect(await eventsOf(db, m.ctx())).toEqual([]);
    expect(await outboxOf(db, m.ctx())).toEqual([]);
  });

  it('queues one delivery per subscription that wants the type, with the whole envelope', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const erp = await subscribe(db, ctx, ['member.created', 'order.committed']);
    const crm = await subscribe(db, ctx, ['member.created']);
    await subscribe(db, ctx, ['coupon.issued']);
    const paused = await subscribe(db, ctx, ['member.created']);
    await db
      .transaction()
      .execute((trx) => updateSubscription(trx, ctx, paused.id, { active: false }));
    const gone = await subscribe(db, ctx, ['member.created']);
    await db.transaction().execute((trx) => deleteSubscription(trx, ctx, gone.id));
    await db
      .transaction()
      .execute((trx) => emitEvent(trx, ctx, 'member.created', { member_id: 'x' }));

    const [event] = await eventsOf(db, ctx);
    expect(event).toMatchObject({ type: 'member.created', payload: { member_id: 'x' } });
    const rows = await outboxOf(db, ctx);
    expect(rows.map((r) => r.subscription_id).sort()).toEqual([erp.id, crm.id].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        channel: 'webhook',
        purpose: 'service',
        status: 'pending',
        event_id: event!.id,
        dedupe_key: `webhook:${event!.id}:${row.subscription_id}`,
        payload: {
          id: event!.id,
          type: 'member.created',
          created_at: ctx.now.toISOString(),
          merchant_id: ctx.merchantId,
          data: { member_id: 'x' },
        },
      });
      expect(row.next_attempt_at).toEqual(ctx.now);
    }
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
  });

  it('writes many events in one call, each to every subscription of the type', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    await subscribe(db, ctx, ['coupon.issued']);
    await subscribe(db, ctx, ['coupon.issued', 'member.created']);
    await db
      .transaction()
      .execute((trx) => emitEvents(trx, ctx, 'coupon.issued', [{ n: 1 }, { n: 2 }, { n: 3 }]));
    expect(await eventsOf(db, ctx)).toHaveLength(3);
    const rows = await outboxOf(db, ctx);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.id)).size).toBe(6);
  });

  it('leaves no event and no delivery when the operation rolls back', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    await subscribe(db, ctx, ['member.created']);
    await expect(
      db.transaction().execute(async (trx) => {
        await emitEvent(trx, ctx, 'member.created', { member_id: 'x' });
        throw new Error('the operation failed after its event');
      }),
    ).rejects.toThrow('the operation failed');
    expect(await eventsOf(db, ctx)).toEqual([]);
    expect(await outboxOf(db, ctx)).toEqual([]);
  });

  it('a points posting tells points.changed once, with the change and the balance after it', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const member = await createMember(db, ctx);
    await subscribe(db, ctx, ['points.changed']);
    await db.transaction().execute(async (trx) => {
      await creditPoints(trx, ctx, { memberId: member.id, amount: 300, kind: 'grant' });
    });
    await db.transaction().execute(async (trx) => {
      const later = m.ctx('owner', new Date(ctx.now.getTime() + 1_000));
      await debitPoints(trx, later, { memberId: member.id, amount: 120, kind: 'spend' });
    });
    const payloads = (await outboxOf(db, ctx)).map((r) => (r.payload as { data: unknown }).data);
    expect(payloads).toEqual([
      expect.objectContaining({ member_id: member.id, change: 300, balance: 300 }),
      expect.objectContaining({ member_id: member.id, change: -120, balance: 180 }),
    ]);
  });
});
