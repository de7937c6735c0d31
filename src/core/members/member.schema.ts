import { type Static, Type } from 'typebox';
import { Body, DateString, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { LifecycleStage, RfmGroup } from '../segments/segment.schema.ts';

export const Gender = Type.Union([
  Type.Literal('male'),
  Type.Literal('female'),
  Type.Literal('unknown'),
]);
export const IdentityKind = Type.Union([
  Type.Literal('wechat_openid'),
  Type.Literal('wechat_unionid'),
  Type.Literal('shop_customer'),
  Type.Literal('legacy_card'),
]);
const CustomValues = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([
    Type.String({ maxLength: 500 }),
    Type.Number({ minimum: -1e12, maximum: 1e12 }),
    Type.Null(),
  ]),
  { maxProperties: 50 },
);

export const RegisterMemberBody = Body({
  phone: Type.String({ minLength: 1, maxLength: 32 }),
  name: Type.Optional(Type.String({ maxLength: 64 })),
  gender: Type.Optional(Gender),
  birthday: Type.Optional(Nullable(DateString)),
  source_channel: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  home_store_id: Type.Optional(Nullable(Uuid)),
  referrer_id: Type.Optional(Nullable(Uuid)),
  custom: Type.Optional(CustomValues),
  marketing_consent: Type.Optional(Type.Boolean()),
  identities: Type.Optional(
    Type.Array(Body({ kind: IdentityKind, value: Type.String({ minLength: 1, maxLength: 128 }) }), {
      maxItems: 8,
    }),
  ),
});
export type RegisterMemberBody = Static<typeof RegisterMemberBody>;

export const UpdateMemberBody = PatchBody(
  Body({
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    name: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    gender: Type.Optional(Gender),
    birthday: Type.Optional(Nullable(DateString)),
    source_channel: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    home_store_id: Type.Optional(Nullable(Uuid)),
    custom: Type.Optional(CustomValues),
    marketing_consent: Type.Optional(Type.Boolean()),
  }),
);
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;

export const Member = Type.Object({
  id: Uuid,
  card_no: Type.String(),
  phone: Nullable(
    Type.String({ description: 'E.164, or masked (138****8000) for roles without members.pii' }),
  ),
  name: Nullable(Type.String()),
  gender: Gender,
  birthday: Nullable(Type.String()),
  source_channel: Type.String(),
  home_store_id: Nullable(Uuid),
  referrer_id: Nullable(Uuid),
  custom: Type.Record(Type.String(), Type.Unknown()),
  marketing_consent: Type.Boolean(),
  status: Type.Union([Type.Literal('active'), Type.Literal('merged'), Type.Literal('erased')]),
  merged_into_id: Nullable(Uuid),
  registered_at: Timestamp,
  updated_at: Timestamp,
});
export type Member = Static<typeof Member>;

export const Identity = Type.Object({
  id: Uuid,
  kind: IdentityKind,
  value: Type.String(),
  created_at: Timestamp,
});

export const Balances = Type.Object({
  points: Type.Integer(),
  principal: Type.Integer({ description: 'fen' }),
  bonus: Type.Integer({ description: 'fen' }),
});

export const MergeRecord = Type.Object({
  id: Uuid,
  survivor_id: Uuid,
  merged_id: Uuid,
  moved: Type.Unknown(),
  actor_id: Nullable(Uuid),
  created_at: Timestamp,
});

export const MemberDetail = Type.Object({
  member: Member,
  identities: Type.Array(Identity),
  balances: Balances,
  merges: Type.Array(MergeRecord),
});
export type MemberDetail = Static<typeof MemberDetail>;

/** A row of the member list: the member with its tier, points and stored-value balance. */
export const MemberListItem = Type.Object({
  ...Member.properties,
  tier_id: Nullable(Uuid),
  points: Type.Integer(),
  balance_fen: Type.Integer({ description: 'principal + bonus, fen' }),
});
export type MemberListItem = Static<typeof MemberListItem>;

export const MemberPage = Type.Object({
  items: Type.Array(MemberListItem),
  next_cursor: Nullable(Type.String()),
  total: Nullable(
    Type.Integer({ description: 'size of the filtered set; on the first page only (no cursor)' }),
  ),
});
export type MemberPage = Static<typeof MemberPage>;

export const MemberSort = Type.Union([
  Type.Literal('registered_at'),
  Type.Literal('points'),
  Type.Literal('balance'),
]);
export type MemberSort = Static<typeof MemberSort>;

/** A points or fen bound of a filter: an integer the database's bigint can hold exactly. */
const Bound = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Up to `max` comma-separated UUIDs in one query parameter. */
const UuidList = (max: number, description: string) =>
  Type.String({
    pattern: `^${UUID}(,${UUID}){0,${max - 1}}$`,
    maxLength: max * 37,
    description,
  });
export const ListMembersQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'phone digits, card number, name prefix, or a scanned dynamic member code',
      }),
    ),
    tier_id: Type.Optional(Uuid),
    points_min: Type.Optional(Bound),
    points_max: Type.Optional(Bound),
    balance_min_fen: Type.Optional(Bound),
    balance_max_fen: Type.Optional(Bound),
    sort: Type.Optional(MemberSort),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    store_id: Type.Optional(Uuid),
    gender: Type.Optional(Gender),
    source_channel: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('merged'), Type.Literal('erased')]),
    ),
    marketing_consent: Type.Optional(Type.Boolean()),
    birthday_month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    registered_from: Type.Optional(DateString),
    registered_to: Type.Optional(DateString),
    tag_ids: Type.Optional(UuidList(50, 'members holding any of these tags (comma-separated ids)')),
    segment_id: Type.Optional(Uuid),
    rfm_group: Type.Optional(RfmGroup),
    lifecycle: Type.Optional(LifecycleStage),
    guide_id: Type.Optional(Uuid),
    ids: Type.Optional(UuidList(200, 'only these members (comma-separated ids): a selection')),
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type ListMembersQuery = Static<typeof ListMembersQuery>;

export const LookupQuery = Type.Object(
  {
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    card_no: Type.Optional(Type.String({ maxLength: 32 })),
    code: Type.Optional(
      Type.String({ maxLength: 128, description: 'dynamic member code from the member QR' }),
    ),
    identity_kind: Type.Optional(IdentityKind),
    identity_value: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type LookupQuery = Static<typeof LookupQuery>;

export const MergeBody = Body({
  survivor_id: Uuid,
  merged_id: Uuid,
});

export const IdentityBody = Body({
  kind: IdentityKind,
  value: Type.String({ minLength: 1, maxLength: 128 }),
});

export const MemberCode = Type.Object({
  code: Type.String(),
  expires_at: Timestamp,
  qr_svg: Type.String({ description: 'the code as an SVG QR image' }),
});

export const CustomFieldBody = Body({
  key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 }),
  label: Type.String({ minLength: 1, maxLength: 64 }),
  type: Type.Union([
    Type.Literal('text'),
    Type.Literal('number'),
    Type.Literal('date'),
    Type.Literal('option'),
  ]),
  options: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  ),
});
export type CustomFieldBody = Static<typeof CustomFieldBody>;

export const CustomField = Type.Object({
  id: Uuid,
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  options: Type.Array(Type.String()),
});
