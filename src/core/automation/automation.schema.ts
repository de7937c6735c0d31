import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { TaskKind } from '../campaigns/campaign.schema.ts';
import { SegmentRule } from '../segments/segment.schema.ts';

const Days = (max: number) => Type.Integer({ minimum: 0, maximum: max });
const kind = <K extends string>(k: K) => Type.Literal(k);

/** What fires an automation, with its own parameters. */
export const Trigger = Type.Union([
  Body({ kind: kind('registered') }),
  Body({ kind: kind('birthday'), days_before: Days(60) }),
  Body({ kind: kind('anniversary') }),
  Body({ kind: kind('holiday') }),
  Body({ kind: kind('dormant') }),
  Body({ kind: kind('churned') }),
  Body({ kind: kind('tier_changed'), to_tier_id: Type.Optional(Uuid) }),
  Body({
    kind: kind('recharge'),
    min_fen: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  }),
  Body({ kind: kind('points_expiring'), days_before: Days(90) }),
  Body({ kind: kind('no_purchase'), days: Type.Integer({ minimum: 1, maximum: 1825 }) }),
]);
export type Trigger = Static<typeof Trigger>;

export const MessageChannel = Type.Union([
  Type.Literal('inbox'),
  Type.Literal('sms'),
  Type.Literal('email'),
  Type.Literal('wechat'),
]);

/** What each reached member receives; at least one action. */
export const AutomationActions = Body({
  coupon_template_id: Type.Optional(Uuid),
  points: Type.Optional(
    Body({
      amount: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
    }),
  ),
  message: Type.Optional(
    Body({
      channel: MessageChannel,
      template: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_.-]+$' }),
    }),
  ),
  task: Type.Optional(
    Body({ kind: TaskKind, title: Type.String({ minLength: 1, maxLength: 100 }) }),
  ),
});
export type AutomationActions = Static<typeof AutomationActions>;

export const MemberLimit = Type.Union([
  Type.Literal('once'),
  Type.Literal('yearly'),
  Type.Literal('unlimited'),
]);

export const AutomationBody = Body({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  trigger: Trigger,
  delay_days: Type.Optional(Days(365)),
  condition: Type.Optional(Nullable(SegmentRule)),
  actions: AutomationActions,
  member_limit: Type.Optional(MemberLimit),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])),
});
export type AutomationBody = Static<typeof AutomationBody>;
export const AutomationPatch = PatchBody(Type.Omit(AutomationBody, ['status']));
export type AutomationPatch = Static<typeof AutomationPatch>;

export const AutomationResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  trigger: Trigger,
  delay_days: Type.Integer(),
  condition: Nullable(SegmentRule),
  actions: AutomationActions,
  member_limit: MemberLimit,
  status: Type.String(),
  activated_at: Timestamp,
  counts: Type.Object({
    pending: Type.Integer(),
    reached: Type.Integer(),
    skipped: Type.Integer(),
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type AutomationResponse = Static<typeof AutomationResponse>;

export const RunOutcome = Type.Union(
  [
    'reached',
    'inactive_member',
    'not_in_condition',
    'opted_out',
    'limit_reached',
    'coupon_out_of_stock',
    'coupon_limit',
    'coupon_unavailable',
  ].map((k) => Type.Literal(k)),
);

export const RunQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    outcome: Type.Optional(RunOutcome),
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('skipped')]),
    ),
  },
  { additionalProperties: false },
);
export type RunQuery = Static<typeof RunQuery>;

export const RunResponse = Type.Object({
  id: Uuid,
  member_id: Uuid,
  member_name: Nullable(Type.String()),
  card_no: Type.String(),
  occurrence: Type.String(),
  due_at: Timestamp,
  status: Type.String(),
  outcome: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.String())),
  created_at: Timestamp,
  done_at: Nullable(Timestamp),
});
export type RunResponse = Static<typeof RunResponse>;

export const HolidayBody = Body({
  date: DateString,
  name: Type.String({ minLength: 1, maxLength: 50 }),
});
export type HolidayBody = Static<typeof HolidayBody>;
export const HolidayPatch = PatchBody(HolidayBody);
export type HolidayPatch = Static<typeof HolidayPatch>;
export const HolidaySeedBody = Body({ year: Type.Integer({ minimum: 2026, maximum: 2027 }) });
export const HolidayQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) },
  { additionalProperties: false },
);
export const HolidayResponse = Type.Object({ id: Uuid, date: Type.String(), name: Type.String() });
