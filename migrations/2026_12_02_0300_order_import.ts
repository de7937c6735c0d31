import { type Kysely, sql } from 'kysely';

// Order history import (历史订单导入): the member import's jobs gain a kind. An order file is
// staged per row (already parsed and matched: store, member, SKU) and then per order (rows that
// share a channel and order number are the lines of one order); the commit walks the orders in
// seq order as it walks member groups. `award` says whether the orders earn points and growth.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table import_job add column kind text not null default 'members'
      check (kind in ('members', 'orders'));
    alter table import_job add column award boolean not null default false;

    create table import_order_row (
      merchant_id uuid not null,
      job_id uuid not null,
      line int not null,
      channel text not null,
      external_id text not null,
      paid_at timestamptz not null,
      store_id uuid not null,
      member_id uuid,
      -- the order's total as this row states it (null: the file has line amounts only)
      amount_fen bigint,
      -- the line this row is (every row is one line of its order)
      sku_id uuid,
      category text not null,
      quantity int not null check (quantity > 0),
      line_amount_fen bigint,
      primary key (merchant_id, job_id, line),
      foreign key (merchant_id, job_id) references import_job (merchant_id, id) on delete cascade
    );
    create index import_order_row_order
      on import_order_row (merchant_id, job_id, channel, external_id, line);

    create table import_order (
      merchant_id uuid not null,
      job_id uuid not null,
      seq int not null,
      channel text not null,
      external_id text not null,
      first_line int not null,
      row_count int not null,
      paid_at timestamptz not null,
      store_id uuid not null,
      member_id uuid,
      amount_fen bigint not null,
      -- already in sale_order (an earlier import): the commit skips it
      existing boolean not null,
      primary key (merchant_id, job_id, seq),
      foreign key (merchant_id, job_id) references import_job (merchant_id, id) on delete cascade
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table import_order, import_order_row;
    alter table import_job drop column award;
    alter table import_job drop column kind;
  `.execute(db);
}
