import type { Generated, Selectable } from 'kysely';

export interface ProductCategoryTable {
  merchant_id: string;
  id: string;
  /** the code points rules, coupon scopes and order lines name; never changes */
  code: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

export interface ProductTable {
  merchant_id: string;
  id: string;
  name: string;
  category_code: string;
  active: Generated<boolean>;
  /** false: the tier discount skips it (e.g. gold sold at the day's price) */
  tier_discountable: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface SkuTable {
  merchant_id: string;
  id: string;
  product_id: string;
  spec: Generated<string>;
  price_fen: number;
  barcode: string | null;
  active: Generated<boolean>;
  /** true: sold in every store; false: only in the stores sku_store lists */
  every_store: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface SkuStoreTable {
  merchant_id: string;
  sku_id: string;
  store_id: string;
}

export type ProductCategoryRow = Selectable<ProductCategoryTable>;
export type ProductRow = Selectable<ProductTable>;
export type SkuRow = Selectable<SkuTable>;
