import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

/** The code points rules, coupon scopes and order lines name a category by. */
export const CategoryCode = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S+$',
  description: 'no spaces (e.g. plain_gold or 蛋糕); never changes once created',
  examples: ['plain_gold'],
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Barcode = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' });
const PriceFen = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'fen' });
const StoreIds = Nullable(
  Type.Array(Uuid, {
    minItems: 1,
    maxItems: 500,
    uniqueItems: true,
    description: 'the stores that sell it; null = every store',
  }),
);

export const CategoryBody = Body({ code: CategoryCode, name: Name });
export type CategoryBody = Static<typeof CategoryBody>;
export const CategoryPatch = PatchBody(Body({ name: Name }));
export type CategoryPatch = Static<typeof CategoryPatch>;
export const Category = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  created_at: Timestamp,
});

export const SkuBody = Body({
  spec: Type.Optional(Type.String({ maxLength: 100, description: 'size, weight, colour…' })),
  price_fen: PriceFen,
  barcode: Type.Optional(Nullable(Barcode)),
  active: Type.Optional(Type.Boolean()),
  store_ids: Type.Optional(StoreIds),
});
export type SkuBody = Static<typeof SkuBody>;
export const SkuPatch = PatchBody(
  Body({
    spec: Type.String({ maxLength: 100 }),
    price_fen: PriceFen,
    barcode: Nullable(Barcode),
    active: Type.Boolean(),
    store_ids: StoreIds,
  }),
);
export type SkuPatch = Static<typeof SkuPatch>;

export const ProductBody = Body({
  name: Name,
  category_code: CategoryCode,
  active: Type.Optional(Type.Boolean()),
  tier_discountable: Type.Optional(
    Type.Boolean({ description: 'false: the tier discount skips it (gold at the day price)' }),
  ),
  skus: Type.Array(SkuBody, { minItems: 1, maxItems: 50 }),
});
export type ProductBody = Static<typeof ProductBody>;
export const ProductPatch = PatchBody(
  Body({
    name: Name,
    category_code: CategoryCode,
    active: Type.Boolean(),
    tier_discountable: Type.Boolean(),
  }),
);
export type ProductPatch = Static<typeof ProductPatch>;

export const Sku = Type.Object({
  id: Uuid,
  spec: Type.String(),
  price_fen: Type.Integer(),
  barcode: Nullable(Type.String()),
  active: Type.Boolean(),
  store_ids: Nullable(Type.Array(Uuid)),
});
export type Sku = Static<typeof Sku>;
export const Product = Type.Object({
  id: Uuid,
  name: Type.String(),
  category_code: Type.String(),
  active: Type.Boolean(),
  tier_discountable: Type.Boolean(),
  skus: Type.Array(Sku),
  created_at: Timestamp,
});
export type Product = Static<typeof Product>;

export const ProductQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the product name' })),
    barcode: Type.Optional(Type.String({ maxLength: 64 })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    store_id: Type.Optional(Uuid),
    active: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ProductQuery = Static<typeof ProductQuery>;

/** A SKU as the till sells it: one flat row per sellable SKU. */
export const TillSku = Type.Object({
  id: Uuid,
  product_id: Uuid,
  name: Type.String({ description: 'product name and spec' }),
  category: Type.String(),
  price_fen: Type.Integer(),
  barcode: Nullable(Type.String()),
  tier_discountable: Type.Boolean(),
});
export type TillSku = Static<typeof TillSku>;
export const TillSkuQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the name or spec' })),
    barcode: Type.Optional(Type.String({ maxLength: 64, description: 'exact barcode' })),
    store_id: Type.Optional(Uuid),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type TillSkuQuery = Static<typeof TillSkuQuery>;
