// The campaign API's shapes as the console reads them (src/core/campaigns/*.schema.ts).
export type CampaignStatus =
  | 'draft'
  | 'scheduled'
  | 'launching'
  | 'launched'
  | 'stopped_budget'
  | 'cancelled';

export interface Forecast {
  basis: 'none' | 'history';
  kind: string;
  history_campaigns: number;
  targeted: number;
  skipped_consent: number;
  skipped_cap: number;
  control: number;
  reach: number;
  coupons: number;
  points_liability: number;
  stored_value_liability_fen: number;
  redeem_rate: number | null;
  expected_redeemed: number | null;
  expected_cost_fen: number | null;
  expected_revenue_fen: number | null;
  expected_uplift_revenue_fen: number | null;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  target: { segment_id: string | null; member_count: number | null };
  actions: {
    coupon_template_id?: string;
    points?: { amount: number; expiry_days?: number };
    message?: { title: string; body: string };
    task?: { kind: string; title: string; script?: string; due_days: number };
  };
  control_bp: number;
  cap: { max: number; days: number } | null;
  budget: { coupons?: number; points?: number; cost_fen?: number };
  spent: { coupons: number; points: number; cost_fen: number };
  schedule_at: string | null;
  forecast: Forecast | null;
  snapshot_at: string | null;
  launched_at: string | null;
  created_at: string;
}

export interface Funnel {
  targeted: number;
  pending: number;
  issued: number;
  control: number;
  skipped_consent: number;
  skipped_cap: number;
  skipped_budget: number;
  skipped_limit: number;
  skipped_no_guide: number;
  coupons: number;
  claimed: number;
  redeemed: number;
  revenue_fen: number;
  discount_fen: number;
  roi: number | null;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface Group {
  members: number;
  buyers: number;
  order_rate: number | null;
  revenue_per_member_fen: number | null;
}

export interface Report {
  window: { from: string | null; to: string };
  funnel: Funnel;
  by_store: (Funnel & { store_id: string | null; store_name: string | null })[];
  uplift: {
    treated: Group;
    control: Group;
    redeem_rate: Interval | null;
    order_rate_diff: Interval | null;
    revenue_per_member_diff_fen: Interval | null;
  };
  forecast: Forecast | null;
  actual: {
    reach: number;
    coupons: number;
    redeemed: number;
    cost_fen: number;
    revenue_fen: number;
    uplift_revenue_fen: number | null;
    points: number;
  };
}

export const percent = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
