import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import {
  cash,
  createPlan,
  entriesOf,
  pay,
  recharge,
  S9_PLAN,
  walletInvariants,
} from '../../../test/wallet-support.ts';
import { DomainError } from '../../lib/errors.ts';
import { getBalances } from '../ledger/ledger.service.ts';
import { mergeMembers } from '../members/member-merge.service.ts';
import { settleDueBonus } from './bonus-part.service.ts';
import { quoteRechargeRefund, refundRecharge } from './recharge.service.ts';
import { getWallet } from './wallet.service.ts';
import { updateWalletSetting } from './wallet-setting.service.ts';

const sh = (local: string) => new Date(`${local}+08:00`);

async function setup(order: 'proportional' | 'bonus_first' | 'principal_first' = 'bonus_first') {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const at = (local: string) => m.ctx('cashier', sh(local));
  await db.transaction().execute((trx) =>
    updateWalletSetting(trx, m.ctx('owner', sh('2026-12-01T09:00:00')), {
      spending_order: order,
    }),
  );
  const member = await createMember(db, m.ctx());
  return { db, m, at, member };
}

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, params: e.params, field: e.field };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('monthly bonus (S9) at the service level', () => {
  it('the January part is spendable at 23:59:59 on Jan 31 and gone at 00:00:00, no job run', async () => {
    const { db, m, at, member } = await setup('bonus_first');
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), S9_PLAN);
    await recharge(db, at('2026-12-15T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });

    // December: nothing released yet, a bonus-first payment comes from principal
    expect((await getWallet(db, at('2026-12-31T23:59:59'), member.id)).bonus_fen).toBe(0);
    const dec = await pay(db, at('2026-12-31T23:59:59'), member.id, 100);
    expect(dec).toMatchObject({ principal_fen: 100, bonus_fen: 0 });

    // the last second of January: its part is there (released by the spend itself)
    const wallet = await getWallet(db, at('2027-01-31T23:59:59'), member.id);
    expect(wallet.bonus_fen).toBe(2000);
    expect(wallet.bonus_pending_fen).toBe(8000);
    const jan = await pay(db, at('2027-01-31T23:59:59'), member.id, 1500);
    expect(jan).toMatchObject({ principal_fen: 0, bonus_fen: 1500 });

    // midnight: January's 500 left is gone, February's part is open
    const feb = await getWallet(db, at('2027-02-01T00:00:00'), member.id);
    expect(feb.bonus_fen).toBe(2000);
    expect(feb.parts.map((p) => p.state)).toEqual([
      'expired',
      'spendable',
      'pending',
      'pending',
      'pending',
    ]);
    // 9,900 principal + February's 2,000; January's 500 no longer counts
    const refused = await refusal(pay(db, at('2027-02-01T00:00:00'), member.id, 11901));
    expect(refused).toMatchObject({
      code: 'wallet.insufficient',
      params: { available_fen: 11900, bonus_fen: 2000 },
    });
    const paid = await pay(db, at('2027-02-01T00:00:00'), member.id, 2500);
    expect(paid).toMatchObject({ principal_fen: 500, bonus_fen: 2000 });

    expect(
      (await entriesOf(db, m.merchantId, member.id)).map((e) => [e.ledger, e.kind, e.amount]),
    ).toEqual([
      ['principal', 'recharge', 10000],
      ['principal', 'payment', -100],
      ['bonus', 'bonus_release', 2000],
      ['bonus', 'payment', -1500],
      ['bonus', 'bonus_expire', -500],
      ['bonus', 'bonus_release', 2000],
      ['principal', 'payment', -500],
      ['bonus', 'payment', -2000],
    ]);
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });

  it('release and expiry jobs: the second run changes nothing', async () => {
    const { db, m, at, member } = await setup();
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), S9_PLAN);
    await recharge(db, at('2026-12-20T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });
    const jan1 = sh('2027-01-01T00:00:00');
    expect((await settleDueBonus(db, sh('2026-12-31T23:59:59'), 'release')).entries).toBe(0);
    const first = await settleDueBonus(db, jan1, 'release');
    expect(first.entries).toBeGreaterThanOrEqual(1);
    const afterFirst = await entriesOf(db, m.merchantId, member.id);
    expect(afterFirst.at(-1)).toMatchObject({ kind: 'bonus_release', amount: 2000 });
    expect(await settleDueBonus(db, jan1, 'release')).toEqual({ members: 0, entries: 0 });
    expect(await entriesOf(db, m.merchantId, member.id)).toEqual(afterFirst);

    // the expiry job settles everything due for the member it visits: January out, February in
    const feb1 = sh('2027-02-01T00:00:00');
    await settleDueBonus(db, feb1, 'expiry');
    const afterExpiry = await entriesOf(db, m.merchantId, member.id);
    expect(afterExpiry.slice(-2).map((e) => [e.kind, e.amount, e.balance_after])).toEqual([
      ['bonus_expire', -2000, 0],
      ['bonus_release', 2000, 2000],
    ]);
    expect(await settleDueBonus(db, feb1, 'expiry')).toEqual({ members: 0, entries: 0 });
    expect(await settleDueBonus(db, feb1, 'release')).toEqual({ members: 0, entries: 0 });
    expect(await entriesOf(db, m.merchantId, member.id)).toEqual(afterExpiry);
    expect(await getBalances(db, m.ctx(), member.id)).toMatchObject({ bonus: 2000 });
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });

  it('expiring monthly bonus is used before non-expiring bonus', async () => {
    const { db, at, member } = await setup('bonus_first');
    const lasting = await createPlan(db, at('2026-12-01T09:00:00'), {
      name: '充100送10',
      price_fen: 10000,
      bonus_fen: 1000,
    });
    const monthly = await createPlan(db, at('2026-12-01T09:00:00'), {
      ...S9_PLAN,
      instalment_start: 'this_month',
    });
    await recharge(db, at('2027-01-05T10:00:00'), member.id, {
      plan_id: lasting.id,
      tenders: cash(10000),
    });
    await recharge(db, at('2027-01-06T10:00:00'), member.id, {
      plan_id: monthly.id,
      tenders: cash(10000),
    });
    const wallet = await getWallet(db, at('2027-01-10T10:00:00'), member.id);
    const janPart = wallet.parts.find((p) => p.expires_at !== null && p.state === 'spendable')!;
    const lastingPart = wallet.parts.find((p) => p.expires_at === null)!;
    const paid = await pay(db, at('2027-01-10T10:00:00'), member.id, 2500);
    expect(paid.bonus_parts).toEqual([
      { part_id: janPart.id, amount_fen: 2000 },
      { part_id: lastingPart.id, amount_fen: 500 },
    ]);
  });
});

describe('recharge refund', () => {
  it('gives back the principal left less the bonus already spent; the rest of the bonus is forfeit', async () => {
    const { db, m, at, member } = await setup('proportional');
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), {
      name: '充100送50',
      price_fen: 10000,
      bonus_fen: 5000,
    });
    const done = await recharge(db, at('2027-01-05T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: [
        { method: 'cash', amount_fen: 3000 },
        { method: 'wechat_pay', amount_fen: 7000 },
      ],
    });
    // proportional: 3000 from 10000 principal + 5000 bonus → bonus floor(3000*5000/15000) = 1000
    expect(await pay(db, at('2027-01-06T10:00:00'), member.id, 3000)).toMatchObject({
      principal_fen: 2000,
      bonus_fen: 1000,
    });
    const quote = await quoteRechargeRefund(db, at('2027-01-07T10:00:00'), done.id);
    expect(quote).toEqual({
      refund_fen: 7000,
      principal_debit_fen: 8000,
      bonus_spent_fen: 1000,
      bonus_forfeit_fen: 4000,
      bonus_cancelled_fen: 0,
    });
    const refunded = await db
      .transaction()
      .execute((trx) => refundRecharge(trx, m.ctx('manager', sh('2027-01-07T10:00:00')), done.id));
    expect(refunded.status).toBe('refunded');
    expect(refunded.refund).toEqual(quote);
    expect(refunded.tenders.filter((t) => t.direction === 'refund')).toMatchObject([
      { method: 'wechat_pay', amount_fen: 7000 },
    ]);
    expect(await getBalances(db, m.ctx(), member.id)).toMatchObject({ principal: 0, bonus: 0 });
    expect(refunded.bonus_parts[0]).toMatchObject({ state: 'forfeited', remaining_fen: 0 });
    expect(
      await refusal(
        db
          .transaction()
          .execute((trx) => refundRecharge(trx, m.ctx('manager', sh('2027-01-08')), done.id)),
      ),
    ).toMatchObject({ code: 'recharge.already_refunded' });
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });

  it('a monthly plan refunded mid-way: spent parts deducted, the open part forfeited, future parts cancelled', async () => {
    const { db, m, at, member } = await setup('bonus_first');
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), S9_PLAN);
    const done = await recharge(db, at('2026-12-15T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });
    await pay(db, at('2027-01-20T10:00:00'), member.id, 1200); // Jan part: 1200 spent, 800 expires
    await pay(db, at('2027-02-03T10:00:00'), member.id, 500); // Feb part: 500 spent
    const refunded = await db
      .transaction()
      .execute((trx) => refundRecharge(trx, m.ctx('manager', sh('2027-02-10T10:00:00')), done.id));
    expect(refunded.refund).toEqual({
      refund_fen: 10000 - 1700,
      principal_debit_fen: 10000,
      bonus_spent_fen: 1700,
      bonus_forfeit_fen: 1500,
      bonus_cancelled_fen: 6000,
    });
    expect(refunded.bonus_parts.map((p) => p.state)).toEqual([
      'expired',
      'forfeited',
      'forfeited',
      'forfeited',
      'forfeited',
    ]);
    expect(await getBalances(db, m.ctx(), member.id)).toMatchObject({ principal: 0, bonus: 0 });
    // a forfeited part is never released later
    const settled = await entriesOf(db, m.merchantId, member.id);
    await settleDueBonus(db, sh('2027-03-01T00:00:00'), 'release');
    expect(await entriesOf(db, m.merchantId, member.id)).toEqual(settled);
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });
});

describe('balance payment', () => {
  it('more than available: 409 with the available amount, nothing changed', async () => {
    const { db, m, at, member } = await setup('proportional');
    await recharge(db, at('2027-01-05T10:00:00'), member.id, {
      amount_fen: 5000,
      tenders: cash(5000),
    });
    const before = await entriesOf(db, m.merchantId, member.id);
    expect(await refusal(pay(db, at('2027-01-06T10:00:00'), member.id, 5001))).toEqual({
      code: 'wallet.insufficient',
      field: 'amount_fen',
      params: { available_fen: 5000, principal_fen: 5000, bonus_fen: 0 },
    });
    expect(await entriesOf(db, m.merchantId, member.id)).toEqual(before);
    const payments = await db
      .selectFrom('wallet_payment')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(payments).toEqual([]);
  });

  it('spending order follows the merchant setting', async () => {
    const { db, m, at, member } = await setup('principal_first');
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), {
      name: '充100送50',
      price_fen: 10000,
      bonus_fen: 5000,
    });
    await recharge(db, at('2027-01-05T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });
    expect(await pay(db, at('2027-01-06T10:00:00'), member.id, 12000)).toMatchObject({
      principal_fen: 10000,
      bonus_fen: 2000,
    });
    await db
      .transaction()
      .execute((trx) =>
        updateWalletSetting(trx, m.ctx('owner'), { spending_order: 'bonus_first' }),
      );
    expect(await pay(db, at('2027-01-06T11:00:00'), member.id, 1000)).toMatchObject({
      principal_fen: 0,
      bonus_fen: 1000,
    });
  });
});

describe('member merge', () => {
  it('open bonus parts follow the bonus to the survivor and keep their windows', async () => {
    const { db, m, at, member } = await setup('bonus_first');
    const survivor = await createMember(db, m.ctx());
    const plan = await createPlan(db, at('2026-12-01T09:00:00'), S9_PLAN);
    await recharge(db, at('2026-12-15T10:00:00'), member.id, {
      plan_id: plan.id,
      tenders: cash(10000),
    });
    await pay(db, at('2027-01-10T10:00:00'), member.id, 500); // January part released, 1500 left
    const mergeCtx = m.ctx('manager', sh('2027-01-20T10:00:00'));
    const merge = await db
      .transaction()
      .execute((trx) => mergeMembers(trx, mergeCtx, survivor.id, member.id));
    expect(merge.moved).toMatchObject({ bonus_parts: 5 });
    const parts = await db
      .selectFrom('bonus_part')
      .select('member_id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(new Set(parts.map((p) => p.member_id))).toEqual(new Set([survivor.id]));
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
    const jan = await getWallet(db, at('2027-01-31T23:59:59'), survivor.id);
    expect(jan).toMatchObject({ principal_fen: 10000, bonus_fen: 1500, bonus_pending_fen: 8000 });
    // January's rest still expires at midnight; February's part is the survivor's
    expect((await getWallet(db, at('2027-02-01T00:00:00'), survivor.id)).bonus_fen).toBe(2000);
    expect(await pay(db, at('2027-02-01T00:00:00'), survivor.id, 2000)).toMatchObject({
      bonus_fen: 2000,
      principal_fen: 0,
    });
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });
});
