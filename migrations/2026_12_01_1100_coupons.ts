import { type Kysely, sql } from 'kysely';

// Coupon templates and the coupons members hold. Stock is counted on the template row
// (issued <= total_stock), so issuing is one conditional update; a coupon's code is unique
// per merchant and its redemption is one conditional update on status.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table coupon_template (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      kind text not null check (kind in
        ('threshold_off', 'cash_voucher', 'percent_off', 'free_item', 'count_card')),
      definition jsonb not null,
      total_stock int check (total_stock > 0),
      issued int not null default 0 check (issued >= 0 and issued <= total_stock),
      per_member_limit int check (per_member_limit > 0),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id)
    );
    create table coupon (
      merchant_id uuid not null,
      id uuid not null,
      template_id uuid not null,
      member_id uuid not null,
      code text not null,
      status text not null check (status in ('issued', 'redeemed', 'void', 'expired')),
      uses_left int not null check (uses_left >= 0),
      valid_from timestamptz not null,
      valid_until timestamptz not null check (valid_until > valid_from),
      issued_via text not null,
      issued_by uuid,
      redeemed_at timestamptz,
      redeemed_store_id uuid,
      redeemed_by uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, code),
      foreign key (merchant_id, template_id) references coupon_template (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, redeemed_store_id) references store (merchant_id, id)
    );
    create index coupon_member_status on coupon (merchant_id, member_id, status);
    create index coupon_template_member on coupon (merchant_id, template_id, member_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table coupon;
    drop table coupon_template;
  `.execute(db);
}
