import { type Kysely, sql } from 'kysely';

// The home page's figures read one local day of a merchant's recharges, balance payments and
// points entries: a range on created_at per merchant, not a scan of its whole history.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index recharge_day on recharge (merchant_id, created_at);
    create index wallet_payment_day on wallet_payment (merchant_id, created_at);
    create index ledger_entry_points_day on ledger_entry (merchant_id, created_at)
      where ledger = 'points';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index ledger_entry_points_day;
    drop index wallet_payment_day;
    drop index recharge_day;
  `.execute(db);
}
