// A campaign's forecast: the reach is counted (consent, frequency cap and control group applied
// to the target as it stands); what the reach will do is estimated from this merchant's past
// campaigns of the same kind, pooled: their measured redeem rate, discount per redemption,
// revenue per redemption and revenue uplift per treated member over the control group. With no
// such campaign the forecast says so (basis 'none') and gives the reach and certain liabilities.

export interface Reach {
  targeted: number;
  skipped_consent: number;
  skipped_cap: number;
  control: number;
  /** members who will receive the actions */
  reach: number;
}

/** What one finished campaign measured (from its report). */
export interface PastResult {
  treated: number;
  control: number;
  coupons: number;
  redeemed: number;
  revenue_fen: number;
  discount_fen: number;
  /** revenue per treated member minus revenue per control member over its window */
  uplift_revenue_per_member_fen: number | null;
}

export interface CampaignForecast extends Reach {
  basis: 'none' | 'history';
  /** the action kind compared with: coupon:<template kind>, points, message or task */
  kind: string;
  history_campaigns: number;
  coupons: number;
  points_liability: number;
  /** campaigns grant no stored value: always 0, stated so the liability picture is whole */
  stored_value_liability_fen: number;
  redeem_rate: number | null;
  expected_redeemed: number | null;
  expected_cost_fen: number | null;
  expected_revenue_fen: number | null;
  expected_uplift_revenue_fen: number | null;
  at: string;
}

export function forecastCampaign(
  reach: Reach,
  plan: { kind: string; coupon: boolean; points: number },
  history: readonly PastResult[],
  at: Date,
): CampaignForecast {
  const coupons = plan.coupon ? reach.reach : 0;
  const base = {
    ...reach,
    kind: plan.kind,
    history_campaigns: history.length,
    coupons,
    points_liability: reach.reach * plan.points,
    stored_value_liability_fen: 0,
    at: at.toISOString(),
  };
  const issued = sum(history, (h) => h.coupons);
  const treated = sum(history, (h) => h.treated);
  if (history.length === 0 || treated === 0)
    return {
      ...base,
      basis: 'none',
      redeem_rate: null,
      expected_redeemed: null,
      expected_cost_fen: null,
      expected_revenue_fen: null,
      expected_uplift_revenue_fen: null,
    };
  const redeemed = sum(history, (h) => h.redeemed);
  const rate = issued > 0 ? redeemed / issued : 0;
  const expectedRedeemed = Math.round(coupons * rate);
  const perRedemption = (total: number) => (redeemed > 0 ? total / redeemed : 0);
  const measured = history.filter((h) => h.uplift_revenue_per_member_fen !== null);
  const upliftWeight = sum(measured, (h) => h.treated);
  const uplift =
    upliftWeight > 0
      ? sum(measured, (h) => h.treated * (h.uplift_revenue_per_member_fen ?? 0)) / upliftWeight
      : null;
  return {
    ...base,
    basis: 'history',
    redeem_rate: plan.coupon ? rate : null,
    expected_redeemed: plan.coupon ? expectedRedeemed : null,
    expected_cost_fen: Math.round(
      expectedRedeemed * perRedemption(sum(history, (h) => h.discount_fen)),
    ),
    expected_revenue_fen: Math.round(
      expectedRedeemed * perRedemption(sum(history, (h) => h.revenue_fen)),
    ),
    expected_uplift_revenue_fen: uplift === null ? null : Math.round(uplift * reach.reach),
  };
}

const sum = <T>(items: readonly T[], pick: (t: T) => number) =>
  items.reduce((total, t) => total + pick(t), 0);
