import { type Static, type TSchema, Type } from 'typebox';
import { Body, DateString, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

/** Caps of a rule tree: deeper or larger trees are refused (segment.too_deep / too_large). */
export const MAX_DEPTH = 5;
export const MAX_LEAVES = 30;
/** A window is 1 day … 5 years (5 × 365 + 1 leap day). */
export const MAX_WINDOW_DAYS = 1826;

const closed = <T extends Record<string, TSchema>>(properties: T, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });
const Ids = Type.Array(Uuid, { minItems: 1, maxItems: 100 });
const Codes = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  minItems: 1,
  maxItems: 100,
});
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Fen = Type.Integer({ minimum: 0, maximum: 1e13 });

/**
 * A time window: the last `days` days before the instant asked (orders paid at or after
 * now − days × 24 h), or the local dates `from` … `to` (inclusive) in the merchant's zone.
 * Neither: lifetime. Bounds are checked by validateSegmentRule (1 day … 5 years).
 */
const Window = {
  days: Type.Optional(Type.Integer({ minimum: -1e6, maximum: 1e6 })),
  from: Type.Optional(DateString),
  to: Type.Optional(DateString),
};
/** Inclusive bounds; at least one. */
const bounds = <T extends TSchema>(value: T) => ({
  min: Type.Optional(value),
  max: Type.Optional(value),
});

export const Gender = Type.Union([
  Type.Literal('male'),
  Type.Literal('female'),
  Type.Literal('unknown'),
]);
export const RfmGroup = Type.Union([
  Type.Literal('important_value'),
  Type.Literal('important_develop'),
  Type.Literal('important_keep'),
  Type.Literal('important_retain'),
  Type.Literal('general_value'),
  Type.Literal('general_develop'),
  Type.Literal('general_keep'),
  Type.Literal('general_retain'),
]);
export const LifecycleStage = Type.Union([
  Type.Literal('new'),
  Type.Literal('active'),
  Type.Literal('core'),
  Type.Literal('dormant'),
  Type.Literal('churned'),
]);
export const CustomOp = Type.Union([
  Type.Literal('eq'),
  Type.Literal('in'),
  Type.Literal('contains'),
  Type.Literal('gte'),
  Type.Literal('lte'),
  Type.Literal('between'),
  Type.Literal('set'),
  Type.Literal('unset'),
]);
const CustomValue = Type.Union([
  Type.String({ maxLength: 500 }),
  Type.Number({ minimum: -1e12, maximum: 1e12 }),
]);

export const SegmentLeaf = Type.Union([
  closed(
    { field: Type.Literal('gender'), in: Type.Array(Gender, { minItems: 1, maxItems: 3 }) },
    'gender is one of',
  ),
  closed(
    {
      field: Type.Literal('birthday_month'),
      months: Type.Array(Type.Integer({ minimum: 1, maximum: 12 }), { minItems: 1, maxItems: 12 }),
    },
    'birthday in one of these months',
  ),
  closed({ field: Type.Literal('registered'), ...Window }, 'registered within the window'),
  closed({ field: Type.Literal('source_channel'), in: Codes }, 'registered through one of'),
  closed({ field: Type.Literal('home_store'), store_ids: Ids }, 'home store is one of'),
  closed(
    {
      field: Type.Literal('custom'),
      key: Type.String({ minLength: 1, maxLength: 40 }),
      op: CustomOp,
      value: Type.Optional(CustomValue),
      values: Type.Optional(
        Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 100 }),
      ),
      ...bounds(CustomValue),
    },
    'a custom field; the operators allowed depend on its type',
  ),
  closed(
    {
      field: Type.Literal('tag'),
      has: Type.Union([Type.Literal('any'), Type.Literal('all'), Type.Literal('none')]),
      tag_ids: Ids,
    },
    'has any / all / none of these tags',
  ),
  closed({ field: Type.Literal('tier'), tier_ids: Ids }, 'current tier is one of'),
  closed({ field: Type.Literal('points'), ...bounds(Fen) }, 'points balance'),
  closed({ field: Type.Literal('stored_value'), ...bounds(Fen) }, 'stored-value balance in fen'),
  closed(
    { field: Type.Literal('rfm_group'), in: Type.Array(RfmGroup, { minItems: 1, maxItems: 8 }) },
    'RFM group is one of',
  ),
  closed(
    {
      field: Type.Literal('lifecycle'),
      in: Type.Array(LifecycleStage, { minItems: 1, maxItems: 5 }),
    },
    'lifecycle stage is one of',
  ),
  closed(
    {
      field: Type.Literal('rfm_score'),
      score: Type.Union([Type.Literal('r'), Type.Literal('f'), Type.Literal('m')]),
      ...bounds(Type.Integer({ minimum: 1, maximum: 5 })),
    },
    'an R, F or M score (1–5)',
  ),
  closed(
    { field: Type.Literal('orders'), ...Window, ...bounds(Count) },
    'number of counted orders in the window (max 0: none)',
  ),
  closed(
    { field: Type.Literal('spend'), ...Window, ...bounds(Fen) },
    'net spend in fen in the window',
  ),
  closed(
    {
      field: Type.Literal('category'),
      codes: Codes,
      ...Window,
      min_orders: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      min_spend: Type.Optional(Fen),
    },
    'bought any of these product categories in the window (at least min_orders orders, min_spend fen)',
  ),
  closed(
    { field: Type.Literal('sku'), sku_ids: Ids, ...Window },
    'bought any of these SKUs in the window',
  ),
  closed(
    { field: Type.Literal('store'), store_ids: Ids, ...Window },
    'ordered at any of these stores in the window',
  ),
]);
export type SegmentLeaf = Static<typeof SegmentLeaf>;
export type LeafField = SegmentLeaf['field'];

/** The rule tree: AND / OR groups, NOT, and leaves. Depth ≤ 5, ≤ 30 leaves. */
export const SegmentRule = Type.Cyclic(
  {
    SegmentRule: Type.Union([
      Type.Object(
        {
          op: Type.Union([Type.Literal('and'), Type.Literal('or')]),
          rules: Type.Array(Type.Ref('SegmentRule'), { minItems: 1, maxItems: MAX_LEAVES }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        { op: Type.Literal('not'), rule: Type.Ref('SegmentRule') },
        { additionalProperties: false },
      ),
      SegmentLeaf,
    ]),
  },
  'SegmentRule',
);
export type SegmentRule = Static<typeof SegmentRule>;

export const PreviewBody = Body({ rule: SegmentRule });

export const SampleMember = Type.Object({
  id: Uuid,
  card_no: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
});
export type SampleMember = Static<typeof SampleMember>;

export const PreviewResponse = Type.Object({
  count: Type.Integer(),
  sample: Type.Array(SampleMember),
  sentence: Type.String(),
  took_ms: Type.Integer(),
});

export const CreateSegmentBody = Body({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  rule: SegmentRule,
});
export type CreateSegmentBody = Static<typeof CreateSegmentBody>;
export const UpdateSegmentBody = PatchBody(CreateSegmentBody);
export type UpdateSegmentBody = Static<typeof UpdateSegmentBody>;

export const SegmentView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  rule: SegmentRule,
  sentence: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type SegmentView = Static<typeof SegmentView>;

export const SegmentMembersQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export const SegmentMember = Type.Object({
  id: Uuid,
  card_no: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  registered_at: Timestamp,
});
