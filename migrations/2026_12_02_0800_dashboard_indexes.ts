import { type Kysely, sql } from 'kysely';

// The dashboard reads a merchant's orders of a local period (a day, a week, a month), for the
// whole merchant or one store: a range on paid_at carrying every column its tiles add up, so a
// tile is an index-only scan of the period instead of a walk over the merchant's history.
// Coupons are counted by the day they were issued; outstanding stored value and points add up
// the members' non-zero balances, and a store's members are found by their home store.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index sale_order_paid on sale_order (merchant_id, paid_at)
      include (id, store_id, member_id, status, due_fen, coupon_discount_fen);
    create index sale_order_store_paid on sale_order (merchant_id, store_id, paid_at)
      include (id, member_id, status, due_fen, coupon_discount_fen);
    create index coupon_issued_day on coupon (merchant_id, created_at) include (template_id);
    create index member_home_store on member (merchant_id, home_store_id)
      where home_store_id is not null;
    create index ledger_balance_outstanding on ledger_balance (merchant_id, ledger)
      include (member_id, balance) where balance <> 0;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index ledger_balance_outstanding;
    drop index member_home_store;
    drop index coupon_issued_day;
    drop index sale_order_store_paid;
    drop index sale_order_paid;
  `.execute(db);
}
