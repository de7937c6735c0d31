import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

export const GuideTaskKind = Type.Union([
  Type.Literal('call'),
  Type.Literal('message'),
  Type.Literal('invite_back'),
  Type.Literal('birthday'),
  Type.Literal('follow_up'),
]);
export const GuideTaskOutcome = Type.Union([
  Type.Literal('reached'),
  Type.Literal('no_answer'),
  Type.Literal('declined'),
  Type.Literal('booked'),
  Type.Literal('other'),
]);
export const GuideTaskView = Type.Union([
  Type.Literal('open'),
  Type.Literal('today'),
  Type.Literal('overdue'),
  Type.Literal('done'),
]);
export type GuideTaskView = Static<typeof GuideTaskView>;

const MemberIds = Type.Array(Uuid, { minItems: 1, maxItems: 5000, uniqueItems: true });

export const AssignGuideBody = Body({
  member_ids: MemberIds,
  /** null takes the guide away */
  staff_id: Nullable(Uuid),
});
export type AssignGuideBody = Static<typeof AssignGuideBody>;

export const AssignStoreBody = Body({ store_id: Uuid, staff_id: Uuid });
export type AssignStoreBody = Static<typeof AssignStoreBody>;

export const TaskFields = {
  kind: GuideTaskKind,
  title: Type.String({ minLength: 1, maxLength: 100 }),
  script: Type.Optional(Type.String({ maxLength: 2000 })),
  due_at: Type.String({ format: 'date-time' }),
};

export const CreateTasksBody = Body({
  member_ids: MemberIds,
  /** omitted: each member's own guide */
  staff_id: Type.Optional(Uuid),
  ...TaskFields,
});
export type CreateTasksBody = Static<typeof CreateTasksBody>;

export const CompleteTaskBody = Body({
  outcome: GuideTaskOutcome,
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type CompleteTaskBody = Static<typeof CompleteTaskBody>;

export const ListTasksQuery = Type.Object(
  {
    view: Type.Optional(GuideTaskView),
    /** another guide's list: needs guides.admin */
    staff_id: Type.Optional(Uuid),
    member_id: Type.Optional(Uuid),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ListTasksQuery = Static<typeof ListTasksQuery>;

export const GuideTask = Type.Object({
  id: Uuid,
  staff_id: Uuid,
  staff_name: Type.String(),
  member_id: Uuid,
  member_name: Nullable(Type.String()),
  member_card_no: Type.String(),
  /** masked without members.pii */
  member_phone: Nullable(Type.String()),
  kind: GuideTaskKind,
  title: Type.String(),
  script: Nullable(Type.String()),
  due_at: Timestamp,
  status: Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('cancelled')]),
  outcome: Nullable(GuideTaskOutcome),
  note: Nullable(Type.String()),
  campaign_id: Nullable(Uuid),
  created_at: Timestamp,
  done_at: Nullable(Timestamp),
});
export type GuideTask = Static<typeof GuideTask>;

export const Guide = Type.Object({
  id: Uuid,
  display_name: Type.String(),
  role: Type.String(),
  store_id: Nullable(Uuid),
  members: Type.Integer(),
  open_tasks: Type.Integer(),
});

export const GuideReportQuery = Type.Object(
  {
    /** default: the first of the merchant's current month */
    from: Type.Optional(DateString),
    /** default: the merchant's today */
    to: Type.Optional(DateString),
    store_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type GuideReportQuery = Static<typeof GuideReportQuery>;

const Figures = {
  tasks: Type.Integer(),
  done: Type.Integer(),
  /** done ÷ tasks in basis points (10000 = all done); 0 without tasks */
  done_rate_bp: Type.Integer(),
  reached_members: Type.Integer(),
  attributed_orders: Type.Integer(),
  attributed_revenue_fen: Type.Integer(),
};

export const GuideReport = Type.Object({
  from: Type.String(),
  to: Type.String(),
  window_days: Type.Integer(),
  guides: Type.Array(
    Type.Object({
      staff_id: Uuid,
      display_name: Type.String(),
      store_id: Nullable(Uuid),
      ...Figures,
    }),
  ),
  stores: Type.Array(
    Type.Object({ store_id: Nullable(Uuid), store_name: Nullable(Type.String()), ...Figures }),
  ),
});

export const GuideSettingBody = Body({
  attribution_days: Type.Integer({
    minimum: 1,
    maximum: 90,
    description: 'orders within this many days after a guide reached a member are the guide’s',
  }),
});
export type GuideSettingBody = Static<typeof GuideSettingBody>;
