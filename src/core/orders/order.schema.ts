import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { Tender, TenderMethod } from '../wallet/wallet.schema.ts';

const FenIn = (min: number, description?: string) =>
  Type.Integer({ minimum: min, maximum: 1_000_000_000, ...(description ? { description } : {}) });

const Category = Type.String({ minLength: 1, maxLength: 64, description: 'category code' });

/** A line from the catalogue, or an ad-hoc line with its own name, category and price. */
export const OrderLineBody = Type.Union([
  Body({ sku_id: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 9999 }) }),
  Body({
    name: Type.String({ minLength: 1, maxLength: 128 }),
    category: Category,
    unit_price_fen: FenIn(0),
    quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
    tier_discountable: Type.Optional(Type.Boolean()),
  }),
]);

export const CheckoutTender = Body({
  method: TenderMethod,
  amount_fen: FenIn(1),
  received_fen: Type.Optional(FenIn(1, 'cash handed over; the difference is change')),
});

const checkoutFields = {
  store_id: Uuid,
  member_id: Type.Optional(Uuid),
  lines: Type.Array(OrderLineBody, { minItems: 1, maxItems: 200 }),
  coupon_ids: Type.Optional(Type.Array(Uuid, { maxItems: 10, uniqueItems: true })),
  points_to_use: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  stored_value_fen: Type.Optional(FenIn(0, 'paid from the member balance')),
  tenders: Type.Optional(Type.Array(CheckoutTender, { maxItems: 8 })),
};

export const QuoteBody = Body(checkoutFields);
export type QuoteBody = Static<typeof QuoteBody>;

export const CommitBody = Body({
  ...checkoutFields,
  payment_password: Type.Optional(Type.String({ maxLength: 32 })),
  member_code: Type.Optional(Type.String({ maxLength: 128 })),
  /** a non-member's phone: paying at least the merchant's minimum sends a card invitation (S7) */
  guest_phone: Type.Optional(Type.String({ maxLength: 32 })),
});
export type CommitBody = Static<typeof CommitBody>;

export const RefundBody = Body({
  lines: Type.Optional(
    Type.Array(
      Body({
        line_id: Type.String({ minLength: 1, maxLength: 16 }),
        quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
      }),
      { minItems: 1, maxItems: 200, description: 'omitted: refund everything not yet refunded' },
    ),
  ),
  reason: Type.String({ minLength: 1, maxLength: 200 }),
});
export type RefundBody = Static<typeof RefundBody>;

export const ImportOrderBody = Body({
  channel: Type.String({ minLength: 1, maxLength: 32, examples: ['mini_program'] }),
  external_id: Type.String({ minLength: 1, maxLength: 64 }),
  store_id: Uuid,
  member_id: Type.Optional(Uuid),
  phone: Type.Optional(Type.String({ maxLength: 32 })),
  paid_at: Type.String({ format: 'date-time' }),
  lines: Type.Array(
    Body({
      name: Type.String({ minLength: 1, maxLength: 128 }),
      category: Category,
      sku_id: Type.Optional(Uuid),
      unit_price_fen: FenIn(0),
      quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
      paid_fen: FenIn(0, 'what the customer paid for the line after every discount'),
    }),
    { minItems: 1, maxItems: 200 },
  ),
});
export type ImportOrderBody = Static<typeof ImportOrderBody>;

const Money = Type.Integer();
const amounts = {
  amount_fen: Money,
  tier_discount_fen: Money,
  coupon_discount_fen: Money,
  points_used: Money,
  points_deduction_fen: Money,
  due_fen: Money,
  principal_fen: Money,
  bonus_fen: Money,
  tender_fen: Money,
  points_earned: Money,
  growth: Money,
};

export const PricedLine = Type.Object({
  line_id: Type.String(),
  sku_id: Nullable(Uuid),
  name: Type.String(),
  category: Type.String(),
  quantity: Type.Integer(),
  unit_price_fen: Money,
  ...amounts,
  coupons: Type.Array(Type.Object({ coupon_id: Uuid, discount_fen: Money })),
  earn_base_fen: Money,
});

const TraceStep = Type.Object(
  { step: Type.String() },
  {
    additionalProperties: true,
    description: 'one step of the pricing, see docs/pos-integration.md',
  },
);

export const Problem = Type.Object({
  code: Type.String(),
  field: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  message: Type.String(),
});

export const QuoteResponse = Type.Object({
  ...amounts,
  applied_coupon_ids: Type.Array(Uuid),
  lines: Type.Array(PricedLine),
  trace: Type.Array(TraceStep),
  problems: Type.Array(Problem),
});

export const OrderResponse = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  channel: Type.String(),
  external_id: Nullable(Type.String()),
  member_id: Nullable(Uuid),
  store_id: Uuid,
  staff_id: Nullable(Uuid),
  status: Type.Union([
    Type.Literal('paid'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
  ]),
  ...amounts,
  applied_coupon_ids: Type.Array(Uuid),
  lines: Type.Array(Type.Object({ ...PricedLine.properties, refunded_quantity: Type.Integer() })),
  tenders: Type.Array(Tender),
  trace: Type.Array(TraceStep),
  paid_at: Timestamp,
  created_at: Timestamp,
});

export const RefundResponse = Type.Object({
  id: Uuid,
  order_id: Uuid,
  reason: Nullable(Type.String()),
  complete: Type.Boolean(),
  amounts: Type.Record(Type.String(), Type.Integer()),
  lines: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  money_fen: Money,
  refund_reduction_fen: Money,
  tenders: Type.Array(Tender),
  created_at: Timestamp,
});

export const OrdersQuery = Type.Object(
  {
    member_id: Type.Optional(Uuid),
    store_id: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CheckoutSettingResponse = Type.Object({
  points_per_unit: Nullable(Type.Integer({ minimum: 1 })),
  fen_per_unit: Nullable(Type.Integer({ minimum: 1 })),
  max_share_bp: Type.Integer({ minimum: 0, maximum: 10000 }),
  clawback_policy: Type.Union([Type.Literal('debt'), Type.Literal('reduce_refund')]),
  principal_earns: Type.Boolean(),
  bonus_earns: Type.Boolean(),
  online_earns: Type.Boolean(),
});

export const CheckoutSettingBody = PatchBody(
  Type.Object({
    points_per_unit: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    fen_per_unit: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    max_share_bp: Type.Integer({ minimum: 0, maximum: 10000 }),
    clawback_policy: Type.Union([Type.Literal('debt'), Type.Literal('reduce_refund')]),
    principal_earns: Type.Boolean(),
    bonus_earns: Type.Boolean(),
    online_earns: Type.Boolean(),
  }),
);
