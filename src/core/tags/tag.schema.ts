import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { SegmentRule } from '../segments/segment.schema.ts';

/**
 * The events that feed interaction tags: the one list. coupon_claim is recorded by the coupon
 * claim, sign_in by a member page sign-in, share (for the sharer) by a visitor arriving through
 * a share link, campaign_open by the first open of a campaign's inbox message, campaign_click
 * by the member's first tap on a campaign message's call to action (once per campaign).
 */
export const INTERACTIONS = [
  'sign_in',
  'share',
  'campaign_open',
  'campaign_click',
  'coupon_claim',
] as const;
export type Interaction = (typeof INTERACTIONS)[number];
const InteractionSchema = Type.Union(INTERACTIONS.map((i) => Type.Literal(i)));

const Name = Type.String({ minLength: 1, maxLength: 40 });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7, description: '#rrggbb' });

export const TagGroupBody = Body({
  name: Name,
  color: Color,
  sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
});
export type TagGroupBody = Static<typeof TagGroupBody>;
export const TagGroupPatch = PatchBody(TagGroupBody);
export type TagGroupPatch = Static<typeof TagGroupPatch>;

export const TagGroupResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  color: Type.String(),
  sort: Type.Integer(),
  created_at: Timestamp,
});

/** A rule tag needs `rule`, an interaction tag `interaction`; a manual tag neither. */
export const CreateTagBody = Body({
  name: Name,
  kind: Type.Union([Type.Literal('manual'), Type.Literal('rule'), Type.Literal('interaction')]),
  group_id: Type.Optional(Nullable(Uuid)),
  rule: Type.Optional(SegmentRule),
  interaction: Type.Optional(InteractionSchema),
});
export type CreateTagBody = Static<typeof CreateTagBody>;

export const TagPatch = PatchBody(
  Body({
    name: Name,
    group_id: Nullable(Uuid),
    rule: SegmentRule,
    active: Type.Boolean(),
  }),
);
export type TagPatch = Static<typeof TagPatch>;

export const TagResponse = Type.Object({
  id: Uuid,
  group_id: Nullable(Uuid),
  name: Type.String(),
  kind: Type.Union([Type.Literal('manual'), Type.Literal('rule'), Type.Literal('interaction')]),
  rule: Nullable(SegmentRule),
  interaction: Nullable(Type.String()),
  active: Type.Boolean(),
  member_count: Type.Integer(),
  refreshed_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const MemberIds = Type.Array(Uuid, { minItems: 1, maxItems: 10_000, uniqueItems: true });
/** Bulk: a list of members, or every member a segment rule matches now (one of the two). */
export const BulkMembersBody = Body({
  member_ids: Type.Optional(MemberIds),
  rule: Type.Optional(SegmentRule),
});
export type BulkMembersBody = Static<typeof BulkMembersBody>;
export const BulkResponse = Type.Object({ changed: Type.Integer() });

export const MemberTagsBody = Body({
  tag_ids: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
});

export const MemberTagResponse = Type.Object({
  tag_id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  group_id: Nullable(Uuid),
  group_name: Nullable(Type.String()),
  color: Nullable(Type.String()),
  source: Type.String(),
  added_at: Timestamp,
});

export const TagHistoryResponse = Type.Object({
  id: Uuid,
  tag_id: Uuid,
  tag_name: Type.String(),
  member_id: Uuid,
  member_name: Nullable(Type.String()),
  change: Type.Union([Type.Literal('added'), Type.Literal('removed')]),
  source: Type.String(),
  actor_id: Nullable(Uuid),
  at: Timestamp,
});

export const HistoryQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ format: 'date-time', description: 'older than this' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;
