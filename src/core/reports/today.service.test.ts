import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auth, createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { cash, pay, recharge } from '../../../test/wallet-support.ts';
import type { Db } from '../../db/database.ts';
import { mergeMembers } from '../members/member-merge.service.ts';
import { grantPoints, spendMemberPoints } from '../points/points.service.ts';
import { todayFigures } from './today.service.ts';

// 2026-03-10 in Shanghai (UTC+8) runs from 2026-03-09T16:00Z to 2026-03-10T16:00Z.
const at = (iso: string) => new Date(iso);
const BEFORE = at('2026-03-09T15:59:59.999Z'); // 23:59:59.999 on the 9th, local
const START = at('2026-03-09T16:00:00Z'); // 00:00 on the 10th, local
const NOON = at('2026-03-10T04:00:00Z');
const LAST = at('2026-03-10T15:59:59.999Z'); // 23:59:59.999 on the 10th
const NEXT = at('2026-03-10T16:00:00Z'); // 00:00 on the 11th

type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;

function grant(db: Db, m: Merchant, when: Date, memberId: string, points: number) {
  return db
    .transaction()
    .execute((trx) => grantPoints(trx, m.ctx('owner', when), memberId, { points, reason: 'test' }));
}

/** Rows on both sides of each boundary of the local day, and ones that must not count. */
async function seedDay(db: Db, m: Merchant) {
  const member = (when: Date) => createMember(db, m.ctx('owner', when));
  const yesterday = await member(BEFORE);
  const first = await member(START);
  const last = await member(LAST);
  await member(NEXT);
  const duplicate = await member(NOON);

  await recharge(db, m.ctx('owner', BEFORE), yesterday.id, {
    amount_fen: 5000,
    tenders: cash(5000),
  });
  await recharge(db, m.ctx('owner', START), first.id, { amount_fen: 10000, tenders: cash(10000) });
  await recharge(db, m.ctx('owner', LAST), last.id, { amount_fen: 20000, tenders: cash(20000) });
  await recharge(db, m.ctx('owner', NEXT), last.id, { amount_fen: 40000, tenders: cash(40000) });
  await pay(db, m.ctx('owner', BEFORE), yesterday.id, 1000);
  await pay(db, m.ctx('owner', NOON), first.id, 3000);
  await pay(db, m.ctx('owner', LAST), last.id, 2500);
  await pay(db, m.ctx('owner', NEXT), last.id, 500);

  await grant(db, m, BEFORE, yesterday.id, 700);
  await grant(db, m, START, first.id, 300);
  await grant(db, m, NOON, duplicate.id, 200);
  await grant(db, m, NEXT, first.id, 900);
  // a spend is not issuing, and a merge moves the duplicate's 200 without issuing any
  await db.transaction().execute(async (trx) => {
    await spendMemberPoints(trx, m.ctx('owner', NOON), first.id, { points: 100, reason: 'gift' });
    await mergeMembers(trx, m.ctx('owner', LAST), first.id, duplicate.id);
  });
}

describe("today's figures", () => {
  it('count exactly the local day [00:00, 24:00) in the merchant zone, merchant by merchant', async () => {
    const { db } = await testApp();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    await seedDay(db, m);
    await seedDay(db, other);

    const day = await todayFigures(db, m.ctx('marketer', NOON));
    expect(day).toEqual({
      date: '2026-03-10',
      time_zone: 'Asia/Shanghai',
      from: START,
      to: NEXT,
      new_members: 2, // first and last; the merged duplicate is the same person
      recharges: { count: 2, amount_fen: 30000 },
      balance_payments: { count: 2, amount_fen: 5500 },
      points_issued: 500,
    });
    // the first and the last instant of the day see the same day
    expect(await todayFigures(db, m.ctx('owner', START))).toEqual(day);
    expect(await todayFigures(db, m.ctx('owner', LAST))).toEqual(day);
    const eleventh = await todayFigures(db, m.ctx('owner', NEXT));
    expect(eleventh).toMatchObject({
      date: '2026-03-11',
      new_members: 1,
      recharges: { count: 1, amount_fen: 40000 },
      balance_payments: { count: 1, amount_fen: 500 },
      points_issued: 900,
    });

    // the same instants in UTC: the 10th is [2026-03-10T00:00Z, 2026-03-11T00:00Z)
    await sql`update merchant set time_zone = 'UTC' where id = ${m.merchantId}`.execute(db);
    expect(await todayFigures(db, m.ctx('owner', NOON))).toEqual({
      date: '2026-03-10',
      time_zone: 'UTC',
      from: at('2026-03-10T00:00:00Z'),
      to: at('2026-03-11T00:00:00Z'),
      new_members: 2, // the merged duplicate apart: last at 15:59Z and the one at 16:00Z
      recharges: { count: 2, amount_fen: 60000 },
      balance_payments: { count: 3, amount_fen: 6000 },
      points_issued: 1100,
    });
  });

  it('GET /api/reports/today: now in the merchant zone, for roles that read reports', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db, { timeZone: 'Pacific/Auckland' });
    const member = await createMember(db, m.ctx('owner'));
    await recharge(db, m.ctx('owner'), member.id, { amount_fen: 8800, tenders: cash(8800) });
    await pay(db, m.ctx('owner'), member.id, 1200);
    await grant(db, m, new Date(), member.id, 88);

    const response = await app.inject({
      url: '/api/reports/today',
      headers: auth(m.tokens.marketer),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      time_zone: 'Pacific/Auckland',
      new_members: 1,
      recharges: { count: 1, amount_fen: 8800 },
      balance_payments: { count: 1, amount_fen: 1200 },
      points_issued: 88,
    });
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Auckland' });
    expect(body.date).toBe(local.format(new Date()));
    expect(new Date(body.from).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(body.to).getTime()).toBeGreaterThan(Date.now());

    const cashier = await app.inject({
      url: '/api/reports/today',
      headers: auth(m.tokens.cashier),
    });
    expect(cashier.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/reports/today' })).statusCode).toBe(401);
  });
});
