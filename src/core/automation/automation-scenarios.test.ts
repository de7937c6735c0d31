import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { addDays } from '../../lib/time.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import {
  automationWorld,
  couponsByMember,
  freeClass,
  lifecycleChange,
  messagesByMember,
} from './automation-fixture.ts';
import { seedHolidays } from './holiday.service.ts';

const { db } = await testDb();

type World = Awaited<ReturnType<typeof automationWorld>>;

const voucher = (w: World, name: string, value_fen: number) =>
  db.transaction().execute((trx) =>
    createTemplate(trx, w.m.ctx(), {
      name,
      benefit: { kind: 'cash_voucher', value_fen },
      validity: { mode: 'days_after_claim', days: 14 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    }),
  );

/** Each local day from..to: the sweep runs by itself at several times of the day. */
async function days(w: World, from: string, to: string, onDay?: (day: string) => Promise<void>) {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    await onDay?.(day);
    for (const time of ['00:05', '09:00', '21:30']) await w.sweep(`${day}T${time}`);
  }
}

/** Coupons of a template per member, with the local day each was issued. */
async function issued(w: World, templateId: string) {
  const { rows } = await sql<{ member_id: string; day: string }>`
    select member_id, to_char(created_at at time zone ${w.timeZone}, 'YYYY-MM-DD') as day
    from coupon where merchant_id = ${w.m.merchantId} and template_id = ${templateId}
    order by member_id, created_at`.execute(db);
  return rows.map((r) => [r.member_id, r.day]);
}

describe('S6: a gym sends coupons on holidays and birthdays, by itself', () => {
  it('free-class coupons on 中秋 and 国庆, weekly-card coupons on each birthday, each once', async () => {
    const w = await automationWorld(db);
    const freeClassCoupon = await freeClass(db, w.m);
    const weekCard = await voucher(w, '周卡体验券', 9_900);
    const ann = await w.member('2025-03-01T10:00', { birthday: '1992-09-27', name: 'Ann' });
    const bob = await w.member('2025-03-01T10:00', { birthday: '1988-10-03', name: 'Bob' });
    const cyd = await w.member('2025-03-01T10:00', { birthday: '1995-12-01', name: 'Cyd' });
    const ctx = w.m.ctx('marketer', w.at('2026-09-01T10:00'));
    await db.transaction().execute((trx) => seedHolidays(trx, ctx, 2026));
    await w.automation('2026-09-01T10:00', {
      name: '节日免费体验课',
      trigger: { kind: 'holiday' },
      actions: {
        coupon_template_id: freeClassCoupon.id,
        message: { channel: 'inbox', template: 'coupon_issued' },
      },
      member_limit: 'unlimited',
    });
    await w.automation('2026-09-01T10:00', {
      name: '生日周卡',
      trigger: { kind: 'birthday', days_before: 0 },
      actions: { coupon_template_id: weekCard.id },
      member_limit: 'yearly',
    });
    await days(w, '2026-09-20', '2026-10-06');
    const everyone = [ann.id, bob.id, cyd.id].sort();
    expect(await issued(w, freeClassCoupon.id)).toEqual(
      everyone.flatMap((id) => [
        [id, '2026-09-25'],
        [id, '2026-10-01'],
      ]),
    );
    expect(await issued(w, weekCard.id)).toEqual(
      [
        [ann.id, '2026-09-27'],
        [bob.id, '2026-10-03'],
      ].sort(),
    );
    const messages = await messagesByMember(db, w.m);
    expect(everyone.map((id) => messages.get(id))).toEqual([2, 2, 2]);
  });
});

describe('S8: lifecycle care over simulated days', () => {
  it('welcome pack, core members’ birthday gift, dormant reminder and churned offer, each once', async () => {
    const w = await automationWorld(db);
    const welcome = await voucher(w, '新人礼包 ¥150', 15_000);
    const gift = await voucher(w, '核心会员生日礼', 5_000);
    const offer = await voucher(w, '限时回归券', 3_000);
    const created = '2026-04-01T09:00';
    const old = await w.member('2025-01-10T10:00', { birthday: '1990-04-05' });
    const core = await w.member('2025-01-10T10:00', { birthday: '1990-04-05' });
    const sleeper = await w.member('2025-01-10T10:00');
    const gone = await w.member('2025-01-10T10:00');
    await sql`insert into member_rfm (merchant_id, member_id, lifecycle, computed_at)
      values (${w.m.merchantId}, ${core.id}, 'core', now()),
        (${w.m.merchantId}, ${old.id}, 'active', now())`.execute(db);
    await w.automation(created, {
      name: '新人礼包',
      trigger: { kind: 'registered' },
      actions: {
        coupon_template_id: welcome.id,
        message: { channel: 'inbox', template: 'welcome' },
      },
    });
    await w.automation(created, {
      name: '核心会员生日礼',
      trigger: { kind: 'birthday', days_before: 0 },
      condition: { field: 'lifecycle', in: ['core'] },
      actions: { coupon_template_id: gift.id, points: { amount: 500, expiry_days: 30 } },
      member_limit: 'yearly',
    });
    await w.automation(created, {
      name: '沉睡提醒',
      trigger: { kind: 'dormant' },
      actions: { message: { channel: 'inbox', template: 'points_expiring' } },
    });
    await w.automation(created, {
      name: '流失召回',
      trigger: { kind: 'churned' },
      delay_days: 1,
      actions: { coupon_template_id: offer.id, message: { channel: 'inbox', template: 'generic' } },
    });
    const newcomers: string[] = [];
    await days(w, '2026-04-01', '2026-04-12', async (day) => {
      if (day === '2026-04-02' || day === '2026-04-06')
        newcomers.push((await w.member(`${day}T15:00`)).id);
      if (day === '2026-04-03')
        await lifecycleChange(db, w.m, sleeper.id, 'dormant', w.at(`${day}T04:00`));
      if (day === '2026-04-08')
        await lifecycleChange(db, w.m, gone.id, 'churned', w.at(`${day}T04:00`));
    });
    expect(await issued(w, welcome.id)).toEqual(
      [
        [newcomers[0]!, '2026-04-02'],
        [newcomers[1]!, '2026-04-06'],
      ].sort(),
    );
    expect(await issued(w, gift.id)).toEqual([[core.id, '2026-04-05']]);
    expect(await issued(w, offer.id)).toEqual([[gone.id, '2026-04-09']]);
    const messages = await messagesByMember(db, w.m);
    expect([...newcomers, sleeper.id, gone.id].map((id) => messages.get(id))).toEqual([1, 1, 1, 1]);
    expect(messages.has(old.id) || messages.has(core.id)).toBe(false);
    const coupons = await couponsByMember(db, w.m);
    expect([...coupons.values()].every((n) => n === 1)).toBe(true);
  });
});
