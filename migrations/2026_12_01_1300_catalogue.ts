import { type Kysely, sql } from 'kysely';

// The product catalogue the till sells from. A category is named by its code everywhere (points
// rules, coupon scopes, order lines), so products reference the code and a code never changes.
// A SKU sold in every store has `every_store`; otherwise sku_store lists the stores that sell it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table product_category (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      code text not null,
      name text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, code)
    );
    create table product (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      category_code text not null,
      active boolean not null default true,
      tier_discountable boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, category_code) references product_category (merchant_id, code)
    );
    create index product_category_code on product (merchant_id, category_code);
    create table sku (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      product_id uuid not null,
      spec text not null default '',
      price_fen bigint not null check (price_fen >= 0),
      barcode text,
      active boolean not null default true,
      every_store boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, barcode),
      foreign key (merchant_id, product_id) references product (merchant_id, id)
    );
    create index sku_product on sku (merchant_id, product_id);
    create table sku_store (
      merchant_id uuid not null,
      sku_id uuid not null,
      store_id uuid not null,
      primary key (merchant_id, sku_id, store_id),
      foreign key (merchant_id, sku_id) references sku (merchant_id, id) on delete cascade,
      foreign key (merchant_id, store_id) references store (merchant_id, id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table sku_store;
    drop table sku;
    drop table product;
    drop table product_category;
  `.execute(db);
}
