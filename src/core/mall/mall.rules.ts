import { DomainError } from '../../lib/errors.ts';
import type { MallRewardRow } from './mall.table.ts';

/** Whether the reward is on sale on the local day `today`, ignoring stock. */
export function isOnSale(
  reward: Pick<MallRewardRow, 'active' | 'starts_on' | 'ends_on'>,
  today: string,
): boolean {
  if (!reward.active) return false;
  if (reward.starts_on && today < reward.starts_on) return false;
  if (reward.ends_on && today > reward.ends_on) return false;
  return true;
}

/**
 * Checks a redemption in the order a member would understand it: not on sale, then sold out,
 * then the member's own limit. The caller holds the reward row lock, so the stock it reads is
 * the stock it will decrement.
 */
export function checkRedeemable(
  reward: Pick<MallRewardRow, 'active' | 'starts_on' | 'ends_on' | 'stock' | 'per_member_limit'>,
  today: string,
  redeemedByMember: number,
): void {
  if (!isOnSale(reward, today)) throw new DomainError('mall.not_available');
  if (reward.stock !== null && reward.stock <= 0) throw new DomainError('mall.out_of_stock');
  if (reward.per_member_limit !== null && redeemedByMember >= reward.per_member_limit)
    throw new DomainError('mall.limit_reached', { params: { limit: reward.per_member_limit } });
}
