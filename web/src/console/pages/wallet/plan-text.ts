import type { TFunction } from 'i18next';
import { yuan } from '../../format.ts';
import type { RechargePlan } from '../../wire-types.ts';
import { packText } from '../loyalty/CouponPackFields.tsx';

/** "送 ¥100，分 5 个月返还：¥20 × 5（次月起）" — what a cashier reads to the member. */
export function bonusText(plan: RechargePlan, t: TFunction): string {
  if (plan.bonus_fen === 0) return t('rechargePlans.noBonus');
  if (plan.bonus_mode === 'immediate')
    return t('rechargePlans.bonusImmediate', { bonus: yuan(plan.bonus_fen) });
  const parts = plan.bonus_instalments_fen;
  const even = parts.every((p) => p === parts[0]);
  return t('rechargePlans.bonusMonthly', {
    bonus: yuan(plan.bonus_fen),
    count: parts.length,
    parts: even ? `${yuan(parts[0] ?? 0)} × ${parts.length}` : parts.map(yuan).join(' + '),
    start: t(`rechargePlans.start.${plan.instalment_start}`),
  });
}

/** The whole offer in one line: price, bonus, gift pack. */
export function planSummary(plan: RechargePlan, t: TFunction): string {
  const pack = plan.coupon_pack.length
    ? t('rechargePlans.packSummary', { pack: packText(plan.coupon_pack) })
    : '';
  return t('rechargePlans.summary', {
    pay: t('rechargePlans.pay', { price: yuan(plan.price_fen) }),
    bonus: bonusText(plan, t),
    pack,
  });
}
