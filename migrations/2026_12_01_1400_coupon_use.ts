import { type Kysely, sql } from 'kysely';

// One row per use of a coupon (a count card has one per use), with the store, the staff and
// the order it went into. A refund restores the uses of its order once: restored_at is set by
// one conditional update, so a second restore matches nothing. The order may be inserted after
// its coupons are redeemed in the same transaction, hence the deferred foreign key.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table coupon_use (
      merchant_id uuid not null,
      id uuid not null,
      coupon_id uuid not null,
      order_id uuid,
      store_id uuid,
      staff_id uuid,
      used_at timestamptz not null,
      restored_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, coupon_id) references coupon (merchant_id, id),
      foreign key (merchant_id, order_id) references sale_order (merchant_id, id)
        deferrable initially deferred,
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, staff_id) references staff (merchant_id, id)
    );
    create index coupon_use_coupon on coupon_use (merchant_id, coupon_id);
    create index coupon_use_order on coupon_use (merchant_id, order_id) where order_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table coupon_use`.execute(db);
}
