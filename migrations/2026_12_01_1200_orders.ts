import { type Kysely, sql } from 'kysely';

// Orders at the till and from online channels. Every amount the pricing pipeline derives is
// kept per order and per line, so a refund reverses exactly what was taken; refunds keep
// their own lines, and the quantity refunded per line never exceeds what was sold.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table checkout_setting (
      merchant_id uuid primary key references merchant (id),
      points_per_unit int check (points_per_unit > 0),
      fen_per_unit int check (fen_per_unit > 0),
      max_share_bp int not null default 5000 check (max_share_bp between 0 and 10000),
      clawback_policy text not null default 'reduce_refund'
        check (clawback_policy in ('debt', 'reduce_refund')),
      principal_earns boolean not null default true,
      bonus_earns boolean not null default false,
      online_earns boolean not null default true,
      updated_at timestamptz not null,
      check ((points_per_unit is null) = (fen_per_unit is null))
    );

    create table sale_order (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      number bigint not null,
      channel text not null,
      external_id text,
      member_id uuid,
      store_id uuid not null,
      staff_id uuid,
      status text not null check (status in ('paid', 'partially_refunded', 'refunded')),
      amount_fen bigint not null check (amount_fen >= 0),
      tier_discount_fen bigint not null,
      coupon_discount_fen bigint not null,
      points_used bigint not null,
      points_deduction_fen bigint not null,
      due_fen bigint not null,
      principal_fen bigint not null,
      bonus_fen bigint not null,
      tender_fen bigint not null,
      points_earned bigint not null,
      growth bigint not null,
      applied_coupon_ids uuid[] not null,
      trace jsonb not null,
      points_debit_id uuid,
      points_credit_id uuid,
      wallet_payment_id uuid,
      paid_at timestamptz not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, number),
      unique (merchant_id, channel, external_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, staff_id) references staff (merchant_id, id),
      foreign key (merchant_id, points_debit_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, points_credit_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, wallet_payment_id) references wallet_payment (merchant_id, id)
    );
    create index sale_order_member on sale_order (merchant_id, member_id, created_at desc);
    create index sale_order_store on sale_order (merchant_id, store_id, created_at desc);
    create sequence sale_order_number;

    create table sale_order_line (
      merchant_id uuid not null,
      order_id uuid not null,
      line_id text not null,
      sku_id uuid,
      name text not null,
      category text not null,
      quantity int not null check (quantity > 0),
      unit_price_fen bigint not null check (unit_price_fen >= 0),
      amount_fen bigint not null,
      tier_discount_fen bigint not null,
      coupon_discount_fen bigint not null,
      coupons jsonb not null,
      points_used bigint not null,
      points_deduction_fen bigint not null,
      due_fen bigint not null,
      principal_fen bigint not null,
      bonus_fen bigint not null,
      tender_fen bigint not null,
      earn_base_fen bigint not null,
      points_earned bigint not null,
      growth bigint not null,
      refunded_quantity int not null default 0 check (refunded_quantity between 0 and quantity),
      primary key (merchant_id, order_id, line_id),
      foreign key (merchant_id, order_id) references sale_order (merchant_id, id)
    );

    create table order_refund (
      merchant_id uuid not null,
      id uuid not null,
      order_id uuid not null,
      reason text,
      staff_id uuid,
      complete boolean not null,
      amounts jsonb not null,
      lines jsonb not null,
      money_fen bigint not null,
      refund_reduction_fen bigint not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, order_id) references sale_order (merchant_id, id),
      foreign key (merchant_id, staff_id) references staff (merchant_id, id)
    );
    create index order_refund_order on order_refund (merchant_id, order_id);

    alter table tender drop constraint tender_ref_type_check;
    alter table tender add constraint tender_ref_type_check
      check (ref_type in ('recharge', 'paid_membership', 'order'));
    -- a refund that claws back earned points already spent may leave a points debt
    alter table ledger_balance drop constraint ledger_balance_balance_check;
    alter table ledger_balance add constraint ledger_balance_balance_check
      check (balance >= 0 or ledger = 'points');
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table ledger_balance drop constraint ledger_balance_balance_check;
    alter table ledger_balance add constraint ledger_balance_balance_check check (balance >= 0);
    alter table tender drop constraint tender_ref_type_check;
    alter table tender add constraint tender_ref_type_check
      check (ref_type in ('recharge', 'paid_membership'));
    drop table order_refund;
    drop table sale_order_line;
    drop sequence sale_order_number;
    drop table sale_order;
    drop table checkout_setting;
  `.execute(db);
}
