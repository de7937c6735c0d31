import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { SegmentRule } from '../segments/segment.schema.ts';

const Count = (max: number, description?: string) =>
  Type.Integer({ minimum: 0, maximum: max, ...(description ? { description } : {}) });

/**
 * Whom a campaign targets: a saved segment (its rule as it stands at launch), a rule of its own,
 * or a list of members (a selection from the member list).
 */
export const CampaignTarget = Type.Union([
  Body({ segment_id: Uuid }),
  Body({ rule: SegmentRule }),
  Body({ member_ids: Type.Array(Uuid, { minItems: 1, maxItems: 10_000, uniqueItems: true }) }),
]);
export type CampaignTarget = Static<typeof CampaignTarget>;

export const TaskKind = Type.Union([
  Type.Literal('call'),
  Type.Literal('message'),
  Type.Literal('invite_back'),
  Type.Literal('birthday'),
  Type.Literal('follow_up'),
]);

/** What each targeted member outside the control group receives; at least one action. */
export const CampaignActions = Body({
  coupon_template_id: Type.Optional(Uuid),
  points: Type.Optional(
    Body({
      amount: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      expiry_days: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 3660,
          description: 'a life of their own: expire at the local midnight after day N',
        }),
      ),
    }),
  ),
  message: Type.Optional(
    Body({
      title: Type.String({ minLength: 1, maxLength: 100 }),
      body: Type.String({ minLength: 1, maxLength: 2000 }),
    }),
  ),
  task: Type.Optional(
    Body({
      kind: TaskKind,
      title: Type.String({ minLength: 1, maxLength: 100 }),
      script: Type.Optional(Type.String({ maxLength: 2000 })),
      due_days: Type.Integer({ minimum: 0, maximum: 365 }),
    }),
  ),
});
export type CampaignActions = Static<typeof CampaignActions>;

export const CampaignCap = Body({
  max: Type.Integer({ minimum: 1, maximum: 100, description: 'campaigns received at most…' }),
  days: Type.Integer({ minimum: 1, maximum: 365, description: '…in this many days' }),
});

export const CampaignBudget = Body({
  coupons: Type.Optional(Count(10_000_000)),
  points: Type.Optional(Count(1_000_000_000)),
  cost_fen: Type.Optional(
    Count(1_000_000_000_000, 'coupon face value plus points at the checkout rate'),
  ),
});

export const CampaignBody = Body({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  target: CampaignTarget,
  actions: CampaignActions,
  control_bp: Type.Integer({
    minimum: 0,
    maximum: 5000,
    description: 'held out as the control group: 1000 = 10 %',
  }),
  /** omitted: the merchant's default cap (GET /api/merchant); null: no cap */
  cap: Type.Optional(Nullable(CampaignCap)),
  budget: Type.Optional(CampaignBudget),
  schedule_local: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 16,
        pattern: '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d$',
        description: 'launch at this wall-clock time in the merchant zone; absent = at once',
      }),
    ),
  ),
});
export type CampaignBody = Static<typeof CampaignBody>;

export const CampaignPatch = PatchBody(CampaignBody);
export type CampaignPatch = Static<typeof CampaignPatch>;

export const CampaignStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('launching'),
  Type.Literal('launched'),
  Type.Literal('stopped_budget'),
  Type.Literal('cancelled'),
]);

export const CampaignForecastSchema = Type.Object({
  basis: Type.Union([Type.Literal('none'), Type.Literal('history')]),
  kind: Type.String(),
  history_campaigns: Type.Integer(),
  targeted: Type.Integer(),
  skipped_consent: Type.Integer(),
  skipped_cap: Type.Integer(),
  control: Type.Integer(),
  reach: Type.Integer(),
  coupons: Type.Integer(),
  points_liability: Type.Integer(),
  stored_value_liability_fen: Type.Integer(),
  redeem_rate: Nullable(Type.Number()),
  expected_redeemed: Nullable(Type.Integer()),
  expected_cost_fen: Nullable(Type.Integer()),
  expected_revenue_fen: Nullable(Type.Integer()),
  expected_uplift_revenue_fen: Nullable(Type.Integer()),
  at: Type.String(),
});

export const CampaignResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  status: CampaignStatus,
  target: Type.Object({
    segment_id: Nullable(Uuid),
    rule: Nullable(Type.Unknown()),
    member_count: Nullable(Type.Integer()),
  }),
  actions: CampaignActions,
  control_bp: Type.Integer(),
  cap: Nullable(CampaignCap),
  budget: CampaignBudget,
  spent: Type.Object({
    coupons: Type.Integer(),
    points: Type.Integer(),
    cost_fen: Type.Integer(),
  }),
  schedule_at: Nullable(Timestamp),
  forecast: Nullable(CampaignForecastSchema),
  snapshot_at: Nullable(Timestamp),
  launch_requested_at: Nullable(Timestamp),
  launched_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type CampaignResponse = Static<typeof CampaignResponse>;

export const CampaignListQuery = Type.Object(
  {
    status: Type.Optional(CampaignStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CampaignOutcomeSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('issued'),
  Type.Literal('control'),
  Type.Literal('skipped_consent'),
  Type.Literal('skipped_cap'),
  Type.Literal('skipped_budget'),
  Type.Literal('skipped_limit'),
  Type.Literal('skipped_no_guide'),
]);

export const CampaignMembersQuery = Type.Object(
  {
    outcome: Type.Optional(CampaignOutcomeSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CampaignMemberResponse = Type.Object({
  member_id: Uuid,
  card_no: Type.String(),
  name: Nullable(Type.String()),
  store_id: Nullable(Uuid),
  outcome: CampaignOutcomeSchema,
  coupon_id: Nullable(Uuid),
  points_entry_id: Nullable(Uuid),
  message_id: Nullable(Uuid),
  task_id: Nullable(Uuid),
  decided_at: Nullable(Timestamp),
});
