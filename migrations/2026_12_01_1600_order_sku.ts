import { type Kysely, sql } from 'kysely';

// An order line's SKU belongs to the order's merchant (the catalogue came after the orders).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sale_order_line add foreign key (merchant_id, sku_id) references sku (merchant_id, id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sale_order_line drop constraint sale_order_line_merchant_id_sku_id_fkey`.execute(
    db,
  );
}
