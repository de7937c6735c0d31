import { type Kysely, sql } from 'kysely';

// Value moves once: an order is paid from the balance once, a member code authorises one
// payment, and manual grants are counted per actor and local day (their daily ceiling).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index wallet_payment_order;
    create unique index wallet_payment_order_once on wallet_payment (merchant_id, order_ref);

    -- A member code is single-use: its nonce is recorded by the payment it authorised, in the
    -- payment's transaction, so two tills (or two app instances) cannot both spend one code.
    create table member_code_use (
      merchant_id uuid not null references merchant (id),
      nonce text not null,
      member_id uuid not null,
      expires_at timestamptz not null,
      used_at timestamptz not null,
      primary key (merchant_id, nonce),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );

    alter table points_setting
      add column earn_backdate_days int not null default 30
        check (earn_backdate_days between 0 and 3660),
      add column grant_daily_ceilings jsonb not null
        default '{"manager": 5000, "cashier": 500, "marketer": 0, "api_key": 5000}';

    create index ledger_entry_grant_actor on ledger_entry (merchant_id, actor_id, created_at)
      where kind = 'grant';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index ledger_entry_grant_actor;
    alter table points_setting drop column earn_backdate_days, drop column grant_daily_ceilings;
    drop table member_code_use;
    drop index wallet_payment_order_once;
    create index wallet_payment_order on wallet_payment (merchant_id, order_ref);
  `.execute(db);
}
