import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { cash, recharge } from '../../../test/wallet-support.ts';
import { newId } from '../../lib/ids.ts';
import { creditPoints } from '../points/points-lot.service.ts';
import { createTier } from '../tiers/tier.service.ts';
import type { AutomationBody } from './automation.schema.ts';
import { automationWorld, lastOrder, lifecycleChange, runsOf } from './automation-fixture.ts';
import { celebratedDays } from './automation-trigger.service.ts';

const { db } = await testDb();
const inbox = { message: { channel: 'inbox' as const, template: 'generic' } };
const body = (trigger: AutomationBody['trigger'], over: Partial<AutomationBody> = {}) => ({
  name: trigger.kind,
  trigger,
  actions: inbox,
  member_limit: 'unlimited' as const,
  ...over,
});
const keys = async (w: Awaited<ReturnType<typeof automationWorld>>, id: string) =>
  (await runsOf(db, w.m, id)).map((r) => [r.member_id, r.occurrence]);

describe('birthday trigger', () => {
  it('fires on the local birthday in Asia/Shanghai, not on the UTC date', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-06-01T10:00', { birthday: '1990-03-10' });
    const a = await w.automation('2026-03-01T09:00', body({ kind: 'birthday', days_before: 0 }));
    await w.sweep('2026-03-09T23:59'); // already 03-09 15:59 UTC: still the day before locally
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-03-10T00:01'); // 03-09 16:01 UTC, the birthday in Shanghai
    const runs = await runsOf(db, w.m, a.id);
    expect(runs.map((r) => [r.member_id, r.occurrence, r.status])).toEqual([
      [ann.id, '2026', 'done'],
    ]);
    expect(runs[0]!.due_at).toEqual(w.at('2026-03-10T00:00'));
  });

  it('N days before; Feb 29 falls on Feb 28 in common years and on Feb 29 in leap years (New York)', async () => {
    const w = await automationWorld(db, 'America/New_York');
    const leap = await w.member('2025-06-01T10:00', { birthday: '2000-02-29' });
    const feb28 = await w.member('2025-06-01T10:00', { birthday: '1999-02-28' });
    const a = await w.automation('2026-12-01T09:00', body({ kind: 'birthday', days_before: 3 }));
    await w.sweep('2027-02-24T23:30');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2027-02-25T00:10'); // 3 days before Feb 28, 2027 (a common year)
    expect((await keys(w, a.id)).sort()).toEqual(
      [
        [leap.id, '2027'],
        [feb28.id, '2027'],
      ].sort(),
    );
    await w.sweep('2028-02-25T00:10'); // 2028 is a leap year: Feb 28 − 3 = Feb 25
    await w.sweep('2028-02-26T00:10'); // Feb 29 − 3 = Feb 26
    const runs = await runsOf(db, w.m, a.id);
    const in2028 = runs.filter((r) => r.occurrence === '2028');
    expect(in2028.map((r) => [r.member_id, r.due_at])).toEqual([
      [feb28.id, w.at('2028-02-25T00:00')],
      [leap.id, w.at('2028-02-26T00:00')],
    ]);
  });

  it('never before the automation was activated: yesterday’s birthdays are not served', async () => {
    const w = await automationWorld(db);
    await w.member('2025-06-01T10:00', { birthday: '1990-05-09' });
    const today = await w.member('2025-06-01T10:00', { birthday: '1990-05-10' });
    const a = await w.automation('2026-05-10T15:00', body({ kind: 'birthday', days_before: 0 }));
    await w.sweep('2026-05-10T15:05');
    expect(await keys(w, a.id)).toEqual([[today.id, '2026']]);
  });

  it('celebratedDays lists Feb 29 with Feb 28 only in common years', () => {
    const text = (days: { from: string; to: string }) =>
      JSON.stringify(celebratedDays(days, 0).compile(db).parameters);
    expect(text({ from: '2027-02-28', to: '2027-02-28' })).toContain('02-29');
    expect(text({ from: '2028-02-28', to: '2028-02-28' })).not.toContain('02-29');
  });
});

describe('event triggers', () => {
  it('registered: members who joined after activation, key "registered", with a delay', async () => {
    const w = await automationWorld(db);
    await w.member('2026-04-01T10:00');
    const a = await w.automation(
      '2026-04-02T09:00',
      body({ kind: 'registered' }, { delay_days: 3 }),
    );
    const ann = await w.member('2026-04-02T20:30');
    await w.sweep('2026-04-05T20:29');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-04-05T20:31');
    expect(await keys(w, a.id)).toEqual([[ann.id, 'registered']]);
  });

  it('dormant and churned: the lifecycle change row is the key; each automation its own stage', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    const dormant = await w.automation('2026-04-01T09:00', body({ kind: 'dormant' }));
    const churned = await w.automation('2026-04-01T09:00', body({ kind: 'churned' }));
    await lifecycleChange(db, w.m, ann.id, 'dormant', w.at('2026-04-02T04:00'));
    await w.sweep('2026-04-02T04:05');
    const runs = await runsOf(db, w.m, dormant.id);
    const change = await db
      .selectFrom('member_lifecycle_change')
      .select('id')
      .where('merchant_id', '=', w.m.merchantId)
      .executeTakeFirstOrThrow();
    expect(runs.map((r) => [r.member_id, r.occurrence])).toEqual([[ann.id, change.id]]);
    expect(await keys(w, churned.id)).toEqual([]);
  });

  it('tier changed to a given tier, and recharges of at least an amount', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    const gold = await db
      .transaction()
      .execute((trx) => createTier(trx, w.m.ctx(), { name: '金卡', threshold: 1000 }));
    const tier = await w.automation(
      '2026-04-01T09:00',
      body({ kind: 'tier_changed', to_tier_id: gold.id }),
    );
    const big = await w.automation('2026-04-01T09:00', body({ kind: 'recharge', min_fen: 50_000 }));
    const historyId = newId();
    await sql`insert into tier_history (merchant_id, id, member_id, from_tier_id, to_tier_id, reason,
        qualifying_value, created_at)
      values (${w.m.merchantId}, ${historyId}, ${ann.id}, null, ${gold.id}, 'upgrade', 1000,
        ${w.at('2026-04-03T10:00')})`.execute(db);
    await recharge(db, w.m.ctx('cashier', w.at('2026-04-03T11:00')), ann.id, {
      amount_fen: 10_000,
      tenders: cash(10_000),
    });
    const r2 = await recharge(db, w.m.ctx('cashier', w.at('2026-04-03T12:00')), ann.id, {
      amount_fen: 50_000,
      tenders: cash(50_000),
    });
    await w.sweep('2026-04-03T12:05');
    expect(await keys(w, tier.id)).toEqual([[ann.id, historyId]]);
    expect(await keys(w, big.id)).toEqual([[ann.id, r2.id]]);
  });
});

describe('calendar triggers', () => {
  it('holiday: every active member on the holiday, key = the date', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    const bob = await w.member('2025-01-01T10:00');
    await sql`insert into holiday (merchant_id, id, date, name, created_at)
      values (${w.m.merchantId}, ${newId()}, '2026-10-01', '国庆节', now())`.execute(db);
    const a = await w.automation('2026-09-01T09:00', body({ kind: 'holiday' }));
    await w.sweep('2026-09-30T23:59');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-10-01T00:01');
    expect((await keys(w, a.id)).sort()).toEqual(
      [
        [ann.id, '2026-10-01'],
        [bob.id, '2026-10-01'],
      ].sort(),
    );
  });

  it('anniversary: one year after registration, key = the year', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-11-20T23:30'); // 15:30 UTC: the local date is what counts
    const a = await w.automation('2026-01-01T09:00', body({ kind: 'anniversary' }));
    await w.sweep('2026-11-19T23:59');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-11-20T00:01');
    expect(await keys(w, a.id)).toEqual([[ann.id, '2026']]);
  });

  it('points about to expire in N days, key = the expiry date', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    await db.transaction().execute((trx) =>
      creditPoints(trx, w.m.ctx('owner', w.at('2026-01-01T10:00')), {
        memberId: ann.id,
        amount: 500,
        kind: 'adjust',
        expiresAt: w.at('2026-07-01T00:00'),
      }),
    );
    const a = await w.automation(
      '2026-06-01T09:00',
      body({ kind: 'points_expiring', days_before: 7 }),
    );
    await w.sweep('2026-06-23T12:00');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-06-24T00:01');
    expect(await keys(w, a.id)).toEqual([[ann.id, '2026-07-01']]);
  });

  it('N days without purchase: one occurrence per lapse, keyed by the last order day', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    const a = await w.automation('2026-03-01T09:00', body({ kind: 'no_purchase', days: 30 }));
    await lastOrder(db, w.m, ann.id, w.at('2026-03-02T19:00'));
    await w.sweep('2026-03-31T23:00');
    expect(await keys(w, a.id)).toEqual([]);
    await w.sweep('2026-04-01T00:30');
    await w.sweep('2026-04-02T00:30');
    expect(await keys(w, a.id)).toEqual([[ann.id, '2026-03-02']]);
    await lastOrder(db, w.m, ann.id, w.at('2026-04-05T12:00'));
    await w.sweep('2026-05-05T08:00');
    expect(await keys(w, a.id)).toEqual([
      [ann.id, '2026-03-02'],
      [ann.id, '2026-04-05'],
    ]);
  });
});
