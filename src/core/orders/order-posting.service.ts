import type { Trx } from '../../db/database.ts';
import { type WriteSet, writeSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { PricedOrder, PricingInput } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import {
  type CheckoutCoupons,
  checkCheckoutCoupons,
  checkoutCouponWrites,
  couponsTakenOf,
} from '../coupons/coupon-redeem.service.ts';
import { ledgerEntriesOf, ledgerWrites, type Posting } from '../ledger/ledger.service.ts';
import { earningWrites } from '../points/points.service.ts';
import { earnPoints } from '../points/points-earn.rules.ts';
import { spendPoints } from '../points/points-lot.rules.ts';
import { lotUseWrites, lotWrites, newLot } from '../points/points-lot.service.ts';
import { ensureLoyalty, grownOf, growthWrites, upgradeIfReached } from '../tiers/growth.service.ts';
import { pickTier } from '../tiers/tier.rules.ts';
import { settleDueParts } from '../wallet/bonus-part.service.ts';
import type { WalletAuth } from '../wallet/payment-password.service.ts';
import {
  planWalletPayment,
  walletPaymentOf,
  walletPaymentWrites,
} from '../wallet/wallet.service.ts';
import type { CheckoutMember, CheckoutRead } from './checkout-read.service.ts';

export interface MemberPosts {
  writes: WriteSet;
  points_debit_id: string | null;
  points_credit_id: string | null;
  wallet_payment_id: string | null;
  /** after the statement: refuses what it could not post, then upgrades a tier reached */
  settle(trx: Trx, result: Record<string, unknown>): Promise<void>;
}

interface Sale {
  orderId: string;
  memberId: string;
  storeId: string;
  read: CheckoutRead;
  input: PricingInput;
  priced: PricedOrder;
  auth: WalletAuth;
}

/**
 * What a member's checkout posts, as the parts of the commit's one statement, decided on what
 * `readCheckout` read under the member lock — by the services that post each alone: coupons
 * redeemed (a conditional update, exactly once), points spent off the lots soonest-expiry first
 * and earned into a new lot (one balance change, an entry each), stored value paid, growth,
 * the points earning and its audit row.
 */
export async function memberPosts(trx: Trx, ctx: Ctx, sale: Sale): Promise<MemberPosts> {
  const { read, priced, memberId, orderId } = sale;
  const member = read.member!;
  const coupons: CheckoutCoupons = {
    coupon_ids: priced.applied_coupon_ids,
    member_id: memberId,
    store_id: sale.storeId,
    order_id: orderId,
  };
  const points = pointsPosts(ctx, sale, member);
  const wallet = await walletPosts(trx, ctx, sale, member);
  const earned = await earnPosts(trx, ctx, sale, member, points.credit?.id ?? null);
  return {
    writes: writeSet(
      coupons.coupon_ids.length ? checkoutCouponWrites(ctx, 'coupons', coupons) : writeSet(),
      points.writes,
      wallet?.writes ?? writeSet(),
      earned.writes,
    ),
    points_debit_id: points.debit?.id ?? null,
    points_credit_id: points.credit?.id ?? null,
    wallet_payment_id: wallet?.plan.row.id ?? null,
    settle: async (trx, result) => {
      if (coupons.coupon_ids.length)
        await checkCheckoutCoupons(trx, ctx, coupons, couponsTakenOf(result, 'coupons'));
      ledgerEntriesOf(result, 'points', points.postings);
      if (wallet) await walletPaymentOf(trx, ctx, result, 'wallet', wallet.plan);
      if (earned.grows)
        await upgradeIfReached(trx, ctx, grownOf(result, 'growth'), read.tier_setting, read.tiers, {
          refType: 'order',
          refId: orderId,
        });
    },
  };
}

/** The points spent (soonest expiry first) and earned, on one balance row. */
function pointsPosts(ctx: Ctx, sale: Sale, member: CheckoutMember) {
  const { priced, memberId, orderId } = sale;
  const ref = { memberId, ledger: 'points' as const, refType: 'order', refId: orderId };
  const debit: Posting | null =
    priced.points_used > 0
      ? { ...ref, id: newId(), amount: -priced.points_used, kind: 'order_pay' }
      : null;
  const credit: Posting | null =
    priced.points_earned > 0
      ? { ...ref, id: newId(), amount: priced.points_earned, kind: 'earn' }
      : null;
  const uses = debit
    ? spendPoints(member.points_balance, member.lots, priced.points_used, ctx.now).uses
    : [];
  const postings = [debit, credit].filter((p): p is Posting => p !== null);
  return {
    debit,
    credit,
    postings,
    writes: writeSet(
      ledgerWrites(ctx, 'points', postings),
      debit ? lotUseWrites(ctx, 'points', debit.id, uses) : writeSet(),
      credit
        ? lotWrites(ctx, 'points_lot', newLot(ctx, sale.read.points, sale.read.time_zone, credit))
        : writeSet(),
    ),
  };
}

/** Stored value as the wallet pays it, which must split as the pricing did. */
async function walletPosts(trx: Trx, ctx: Ctx, sale: Sale, member: CheckoutMember) {
  const { priced, read } = sale;
  const stored = priced.principal_fen + priced.bonus_fen;
  if (stored === 0) return null;
  const { wallet } = member;
  const settled = await settleDueParts(
    trx,
    ctx,
    sale.memberId,
    wallet.parts,
    wallet.bonus_ledger_fen,
  );
  const plan = planWalletPayment(
    ctx,
    sale.memberId,
    { amount_fen: stored, order_ref: `order:${sale.orderId}`, store_id: sale.storeId },
    sale.auth,
    {
      locked_until: member.password_locked_until,
      password_threshold_fen: read.wallet_setting.password_threshold_fen,
      spending_order: read.wallet_setting.spending_order,
    },
    { principal_fen: wallet.principal_fen, ...settled },
  );
  if (plan.row.principal_fen !== priced.principal_fen)
    throw new Error('the wallet split differs from the priced one under the same lock');
  return { plan, writes: walletPaymentWrites(ctx, 'wallet', plan) };
}

/**
 * Points and growth on what was paid, by the rules the points service earns with (which must
 * agree with the priced ones), recorded once per order with its audit row.
 */
async function earnPosts(
  trx: Trx,
  ctx: Ctx,
  sale: Sale,
  member: CheckoutMember,
  creditId: string | null,
) {
  const { priced, read, memberId } = sale;
  if (priced.points_earned === 0 && priced.growth === 0)
    return { writes: writeSet(), grows: false };
  // a first loyalty row starts on a threshold-0 base tier as `ensureLoyalty` makes it
  if (!member.loyalty && pickTier(read.tiers, 0)) await ensureLoyalty(trx, ctx, memberId);
  const tier = read.tiers.find((t) => t.id === member.loyalty?.tier_id) ?? null;
  const result = earnPoints(
    priced.lines.map((l) => ({ category: l.category, amount_fen: l.earn_base_fen })),
    sale.input.settings.earn,
    tier,
    member.row,
    ctx.now,
  );
  if (result.points !== priced.points_earned)
    throw new Error('points earned differ from the priced ones');
  const growth = {
    memberId,
    growth: priced.growth,
    spendFen: result.amount_fen,
    kind: 'spend',
    refType: 'order',
    refId: sale.orderId,
  };
  const grows = growth.growth !== 0 || growth.spendFen !== 0;
  return {
    grows,
    writes: writeSet(
      grows ? growthWrites(ctx, 'growth', growth) : writeSet(),
      earningWrites(ctx, 'earning', {
        id: newId(),
        memberId,
        order_ref: sale.orderId,
        paid_at: ctx.now,
        amount_fen: result.amount_fen,
        points: result.points,
        growth: priced.growth,
        entry_id: creditId,
        detail: {
          birthday: result.birthday,
          campaign_ids: result.campaign_ids,
          categories: result.categories,
        },
      }),
    ),
  };
}
