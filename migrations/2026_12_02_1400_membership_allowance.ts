import { type Kysely, sql } from 'kysely';

// 付费会员 monthly coupons: one row per paid period and month given, written before its coupons
// in the same transaction, so a month is given once whatever runs the sweep twice. The coupons
// name their period (ref_type 'paid_membership'), so a refund voids the unused ones.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table paid_membership_allowance (
      merchant_id uuid not null,
      paid_membership_id uuid not null,
      month_index integer not null check (month_index >= 0),
      coupons integer not null,
      granted_at timestamptz not null,
      primary key (merchant_id, paid_membership_id, month_index),
      foreign key (merchant_id, paid_membership_id) references paid_membership (merchant_id, id)
    );
    create index paid_membership_current on paid_membership (expires_at)
      where status = 'paid';
    alter table coupon drop constraint coupon_ref_type_check;
    alter table coupon add constraint coupon_ref_type_check
      check (ref_type in ('mall_redemption', 'recharge', 'paid_membership'));
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table coupon drop constraint coupon_ref_type_check;
    alter table coupon add constraint coupon_ref_type_check
      check (ref_type in ('mall_redemption', 'recharge'));
    drop index paid_membership_current;
    drop table paid_membership_allowance;
  `.execute(db);
}
