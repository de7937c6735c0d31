import { randomInt } from 'node:crypto';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { MallRedemptionRow, MallRewardRow, RewardKind } from './mall.table.ts';

/**
 * How a redeemed reward reaches the member. Goods and services get a pickup code here; coupon
 * rewards are fulfilled by the coupons module, which registers a fulfiller for kind `coupon`
 * (issue the coupon in `fulfil`, void it — or refuse if it was used — in `cancel`). Both run
 * inside the redemption's transaction, after points and stock moved, so a throw undoes all.
 */
export interface RewardFulfiller {
  kind: RewardKind;
  fulfil(
    trx: Trx,
    ctx: Ctx,
    input: { reward: MallRewardRow; redemptionId: string; memberId: string },
  ): Promise<{ pickup_code: string | null }>;
  cancel(trx: Trx, ctx: Ctx, redemption: MallRedemptionRow): Promise<void>;
}

const fulfillers = new Map<RewardKind, RewardFulfiller>();

export function registerFulfiller(fulfiller: RewardFulfiller): void {
  fulfillers.set(fulfiller.kind, fulfiller);
}

/** The fulfiller of a kind; a kind nobody fulfils yet is refused, naming the field. */
export function fulfillerFor(kind: RewardKind): RewardFulfiller {
  const fulfiller = fulfillers.get(kind);
  if (!fulfiller) throw new DomainError('mall.reward_kind_unsupported', { field: 'kind' });
  return fulfiller;
}

/** 10 random digits, unique per merchant: checked here, guaranteed by the unique key. */
async function newPickupCode(trx: Trx, ctx: Ctx): Promise<string> {
  for (;;) {
    const code = String(randomInt(0, 10_000_000_000)).padStart(10, '0');
    const taken = await trx
      .selectFrom('mall_redemption')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('pickup_code', '=', code)
      .executeTakeFirst();
    if (!taken) return code;
  }
}

const withPickupCode = (kind: RewardKind): RewardFulfiller => ({
  kind,
  fulfil: async (trx, ctx) => ({ pickup_code: await newPickupCode(trx, ctx) }),
  // the code dies with the cancelled redemption; nothing else was handed out
  cancel: async () => {},
});

registerFulfiller(withPickupCode('goods'));
registerFulfiller(withPickupCode('service'));
