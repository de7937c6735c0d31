import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import type { AutomationBody } from './automation.schema.ts';
import { setAutomationStatus } from './automation.service.ts';
import {
  automationWorld,
  couponsByMember,
  freeClass,
  lifecycleChange,
  messagesByMember,
  runsOf,
} from './automation-fixture.ts';
import { runAutomationSweep } from './automation-sweep.service.ts';

const { db } = await testDb();

const birthday = (templateId: string, over: Partial<AutomationBody> = {}): AutomationBody => ({
  name: '生日礼',
  trigger: { kind: 'birthday', days_before: 0 },
  actions: {
    coupon_template_id: templateId,
    message: { channel: 'inbox', template: 'birthday' },
  },
  member_limit: 'yearly',
  ...over,
});

describe('executing runs', () => {
  it('gives each action once and records what it did; re-running the sweep adds nothing', async () => {
    const w = await automationWorld(db);
    const coupon = await freeClass(db, w.m);
    const ann = await w.member('2025-01-01T10:00', { birthday: '1991-06-01' });
    await db
      .updateTable('member')
      .set({ guide_staff_id: w.m.staffIds.marketer })
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', ann.id)
      .execute();
    const a = await w.automation(
      '2026-05-01T10:00',
      birthday(coupon.id, {
        actions: {
          coupon_template_id: coupon.id,
          points: { amount: 200, expiry_days: 30 },
          message: { channel: 'inbox', template: 'birthday' },
          task: { kind: 'birthday', title: '生日问候' },
        },
      }),
    );
    const first = await w.sweep('2026-06-01T08:00');
    expect(first).toMatchObject({ planned: 1, executed: 1 });
    const [run] = await runsOf(db, w.m, a.id);
    expect(run).toMatchObject({ status: 'done', outcome: 'reached', occurrence: '2026' });
    const detail = run!.detail!;
    const couponRow = await db
      .selectFrom('coupon')
      .selectAll()
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', detail.coupon_id!)
      .executeTakeFirstOrThrow();
    expect(couponRow.member_id).toBe(ann.id);
    const lot = await db
      .selectFrom('points_lot')
      .selectAll()
      .where('merchant_id', '=', w.m.merchantId)
      .where('entry_id', '=', detail.points_entry_id!)
      .executeTakeFirstOrThrow();
    expect(lot.expires_at).toEqual(w.at('2026-07-02T00:00'));
    const inbox = await db
      .selectFrom('member_message')
      .select('member_id')
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', detail.message_id!)
      .executeTakeFirstOrThrow();
    expect(inbox.member_id).toBe(ann.id);
    expect(detail.task_id).toBeTruthy();

    const again = await w.sweep('2026-06-01T08:00');
    const later = await w.sweep('2026-06-01T20:00');
    expect([again.planned, again.executed, later.planned, later.executed]).toEqual([0, 0, 0, 0]);
    expect(await couponsByMember(db, w.m)).toEqual(new Map([[ann.id, 1]]));
    expect(await messagesByMember(db, w.m)).toEqual(new Map([[ann.id, 1]]));
  });

  it('a member outside the condition or without marketing consent is recorded and gets nothing', async () => {
    const w = await automationWorld(db);
    const coupon = await freeClass(db, w.m);
    const may = await w.member('2025-01-01T10:00', { birthday: '1990-05-20' });
    const june = await w.member('2025-01-01T10:00', { birthday: '1990-05-20' });
    const optedOut = await w.member('2025-01-01T10:00', {
      birthday: '1990-05-20',
      marketing_consent: false,
    });
    const a = await w.automation(
      '2026-05-01T10:00',
      birthday(coupon.id, { condition: { field: 'gender', in: ['unknown'] } }),
    );
    // the condition is read at the run, not at creation
    await db
      .updateTable('member')
      .set({ gender: 'female' })
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', june.id)
      .execute();
    await w.sweep('2026-05-20T09:00');
    const outcome = new Map((await runsOf(db, w.m, a.id)).map((r) => [r.member_id, r.outcome]));
    expect(outcome).toEqual(
      new Map([
        [may.id, 'reached'],
        [june.id, 'not_in_condition'],
        [optedOut.id, 'opted_out'],
      ]),
    );
    expect(await couponsByMember(db, w.m)).toEqual(new Map([[may.id, 1]]));
  });

  it('coupon stock runs out: who got nothing is recorded, with no message either', async () => {
    const w = await automationWorld(db);
    const coupon = await freeClass(db, w.m, 2);
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await w.member('2025-01-01T10:00', { birthday: '1990-07-07' })).id);
    const a = await w.automation('2026-07-01T10:00', birthday(coupon.id));
    await w.sweep('2026-07-07T09:00');
    const runs = await runsOf(db, w.m, a.id);
    const out = runs.filter((r) => r.outcome === 'coupon_out_of_stock');
    expect(runs.filter((r) => r.outcome === 'reached')).toHaveLength(2);
    expect(out).toHaveLength(1);
    expect(out[0]!.status).toBe('skipped');
    const coupons = await couponsByMember(db, w.m);
    const messages = await messagesByMember(db, w.m);
    expect(coupons.has(out[0]!.member_id) || messages.has(out[0]!.member_id)).toBe(false);
    expect([coupons.size, messages.size]).toEqual([2, 2]);
  });
});

describe('per-member limits', () => {
  const winBack = (limit: AutomationBody['member_limit']): AutomationBody => ({
    name: `win back ${limit}`,
    trigger: { kind: 'dormant' },
    actions: { message: { channel: 'inbox', template: 'generic' } },
    ...(limit ? { member_limit: limit } : {}),
  });

  it('once ever, once a year, or every time', async () => {
    const w = await automationWorld(db);
    const ann = await w.member('2025-01-01T10:00');
    const once = await w.automation('2026-01-01T10:00', winBack('once'));
    const yearly = await w.automation('2026-01-01T10:00', winBack('yearly'));
    const always = await w.automation('2026-01-01T10:00', winBack('unlimited'));
    for (const day of ['2026-02-01', '2026-08-01', '2027-03-01']) {
      await lifecycleChange(db, w.m, ann.id, 'dormant', w.at(`${day}T04:00`));
      await w.sweep(`${day}T05:00`);
    }
    const outcomes = async (id: string) => (await runsOf(db, w.m, id)).map((r) => r.outcome);
    expect(await outcomes(once.id)).toEqual(['reached', 'limit_reached', 'limit_reached']);
    expect(await outcomes(yearly.id)).toEqual(['reached', 'limit_reached', 'reached']);
    expect(await outcomes(always.id)).toEqual(['reached', 'reached', 'reached']);
  });
});

describe('pause and resume', () => {
  it('a paused automation sends nothing; on resume its earlier runs go, the pause’s do not', async () => {
    const w = await automationWorld(db);
    const a = await w.automation('2026-03-01T10:00', {
      name: '欢迎礼',
      trigger: { kind: 'registered' },
      delay_days: 2,
      actions: { message: { channel: 'inbox', template: 'welcome' } },
    });
    const early = await w.member('2026-03-02T10:00');
    await w.sweep('2026-03-02T11:00');
    expect((await runsOf(db, w.m, a.id)).map((r) => r.status)).toEqual([]);
    await w.sweep('2026-03-04T10:30'); // due: planned and executed
    expect((await runsOf(db, w.m, a.id)).map((r) => r.status)).toEqual(['done']);

    const second = await w.member('2026-03-05T10:00');
    await w.sweep('2026-03-05T11:00'); // not due yet, not planned
    await db
      .transaction()
      .execute((trx) =>
        setAutomationStatus(trx, w.m.ctx('marketer', w.at('2026-03-06T09:00')), a.id, 'paused'),
      );
    await w.sweep('2026-03-07T11:00');
    const during = await w.member('2026-03-08T10:00');
    await w.sweep('2026-03-10T11:00');
    expect(await messagesByMember(db, w.m)).toEqual(new Map([[early.id, 1]]));
    await db
      .transaction()
      .execute((trx) =>
        setAutomationStatus(trx, w.m.ctx('marketer', w.at('2026-03-11T09:00')), a.id, 'active'),
      );
    const after = await w.member('2026-03-11T10:00');
    await w.sweep('2026-03-14T11:00');
    const messages = await messagesByMember(db, w.m);
    expect(messages.get(after.id)).toBe(1);
    expect(messages.has(during.id)).toBe(false);
    expect(messages.has(second.id)).toBe(false);
  });
});

describe('the schedule’s sweep', () => {
  it('sweeps the active automations of every merchant (a listed cross-merchant query)', async () => {
    const w = await automationWorld(db);
    await w.automation('2026-01-01T10:00', {
      name: 'welcome',
      trigger: { kind: 'registered' },
      actions: { message: { channel: 'inbox', template: 'welcome' } },
    });
    const outcome = await runAutomationSweep(db, w.at('2026-01-01T09:00'));
    expect(outcome.automations).toBeGreaterThanOrEqual(1);
    expect(outcome.planned).toBe(0);
  });
});
