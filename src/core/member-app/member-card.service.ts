import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow } from '../members/member.service.ts';
import { getMembershipStatus } from '../membership/membership.service.ts';
import { getMemberTierStatus } from '../tiers/tier-member.service.ts';
import { getBalancesNow } from '../wallet/balances-now.service.ts';
import { getWallet } from '../wallet/wallet.service.ts';

/** Points lots that lapse within this many days are shown on the card. */
export const EXPIRING_DAYS = 30;

/** The member this session is; a phone that is no member yet is refused. */
export function selfOf(ctx: Ctx): string {
  if (ctx.actor.kind !== 'member' || !ctx.actor.id) throw new DomainError('member_app.not_member');
  return ctx.actor.id;
}

/** Points lots of the member that lapse within EXPIRING_DAYS, soonest first. */
async function expiringLots(db: Db, ctx: Ctx, memberId: string) {
  const until = new Date(ctx.now.getTime() + EXPIRING_DAYS * 86_400_000);
  return db
    .selectFrom('points_lot')
    .select(['remaining as points', 'expires_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .where('expires_at', '>', ctx.now)
    .where('expires_at', '<=', until)
    .orderBy('expires_at')
    .limit(20)
    .execute();
}

/** What the card page shows: card number, tier and progress, points, balance, paid membership. */
export async function getCard(db: Db, ctx: Ctx, memberId: string) {
  const member = await getMemberRow(db, ctx, memberId);
  const [tier, balances, wallet, membership, expiring] = await Promise.all([
    getMemberTierStatus(db, ctx, memberId),
    getBalancesNow(db, ctx, memberId),
    getWallet(db, ctx, memberId),
    getMembershipStatus(db, ctx, memberId),
    expiringLots(db, ctx, memberId),
  ]);
  return {
    member_id: member.id,
    card_no: member.card_no,
    name: member.name,
    birthday: member.birthday,
    marketing_consent: member.marketing_consent,
    tier: tier.tier ? { id: tier.tier.id, name: tier.tier.name } : null,
    next_tier: tier.next_tier ? { id: tier.next_tier.id, name: tier.next_tier.name } : null,
    qualifying_value: tier.qualifying_value,
    missing: tier.missing,
    basis: tier.basis,
    points: balances.points,
    points_expiring: expiring.map((l) => ({
      points: Number(l.points),
      expires_at: l.expires_at as Date,
    })),
    principal_fen: wallet.principal_fen,
    bonus_fen: wallet.bonus_fen,
    bonus_pending_fen: wallet.bonus_pending_fen,
    bonus_parts: wallet.parts
      .filter((p) => p.remaining_fen > 0)
      .map((p) => ({
        amount_fen: p.amount_fen,
        remaining_fen: p.remaining_fen,
        available_from: p.available_from,
        expires_at: p.expires_at,
        state: p.state,
      })),
    payment_password_set: wallet.payment_password.set,
    paid_member: membership.paid_member,
    paid_until: membership.paid_until,
  };
}
