import { type Kysely, sql } from 'kysely';

// Issuance channels. A coupon names what issued it (ref_type/ref_id: a mall redemption or a
// recharge), so cancelling that voids exactly its coupons; a staff grant keeps its reason.
// A mall coupon reward points at its template through a composite key. The merchant's coupon
// setting holds the new-member pack and the per-role daily cap on staff grants.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table coupon add column ref_type text
      check (ref_type in ('mall_redemption', 'recharge'));
    alter table coupon add column ref_id uuid;
    alter table coupon add column reason text;
    alter table coupon add check ((ref_type is null) = (ref_id is null));
    create index coupon_ref on coupon (merchant_id, ref_type, ref_id) where ref_id is not null;
    create index coupon_staff_day on coupon (merchant_id, issued_by, created_at)
      where issued_via = 'staff';
    create index coupon_expiry on coupon (valid_until) where status = 'issued';

    alter table mall_reward add foreign key (merchant_id, coupon_template_id)
      references coupon_template (merchant_id, id);

    create table coupon_setting (
      merchant_id uuid primary key references merchant (id),
      new_member_pack jsonb not null default '[]',
      staff_daily_caps jsonb not null default '{}',
      updated_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table coupon_setting;
    alter table mall_reward drop constraint mall_reward_merchant_id_coupon_template_id_fkey;
    drop index coupon_expiry;
    drop index coupon_staff_day;
    alter table coupon drop column reason, drop column ref_id, drop column ref_type;
  `.execute(db);
}
