import { type Kysely, sql } from 'kysely';

// Loyalty economy, part A: tiers and growth, points rules, lots and expiry, points mall.
// Tenant tables: `merchant_id` leads every primary and foreign key (DESIGN.md §4).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tier_setting (
      merchant_id uuid primary key references merchant (id),
      basis text not null default 'growth' check (basis in ('growth', 'spend')),
      fen_per_growth int not null default 100 check (fen_per_growth > 0),
      review_months int not null default 12 check (review_months between 1 and 60),
      activation_growth int not null default 0 check (activation_growth >= 0),
      profile_growth int not null default 0 check (profile_growth >= 0),
      updated_at timestamptz not null
    );

    create table tier (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      threshold bigint not null check (threshold >= 0),
      discount_bp int not null default 0 check (discount_bp between 0 and 10000),
      points_multiplier_bp int not null default 10000 check (points_multiplier_bp between 0 and 100000),
      birthday_multiplier_bp int not null default 10000 check (birthday_multiplier_bp between 0 and 100000),
      rights jsonb not null default '[]',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, threshold),
      unique (merchant_id, name)
    );

    create table member_loyalty (
      merchant_id uuid not null,
      member_id uuid not null,
      tier_id uuid,
      growth bigint not null default 0,
      spend_fen bigint not null default 0,
      tier_since timestamptz,
      tier_review_at timestamptz,
      activated_at timestamptz,
      profile_bonus_at timestamptz,
      updated_at timestamptz not null,
      primary key (merchant_id, member_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, tier_id) references tier (merchant_id, id)
    );
    create index member_loyalty_review on member_loyalty (merchant_id, tier_review_at)
      where tier_review_at is not null;
    create index member_loyalty_tier on member_loyalty (merchant_id, tier_id);

    -- Growth is a log too: "growth of the last 12 months" is a sum over a window of it.
    create table growth_entry (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      growth bigint not null,
      spend_fen bigint not null default 0,
      kind text not null,
      ref_type text,
      ref_id text,
      memo text,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index growth_entry_member on growth_entry (merchant_id, member_id, created_at);

    create table tier_history (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      from_tier_id uuid,
      to_tier_id uuid,
      reason text not null check (reason in ('upgrade', 'downgrade', 'review')),
      qualifying_value bigint not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, from_tier_id) references tier (merchant_id, id),
      foreign key (merchant_id, to_tier_id) references tier (merchant_id, id)
    );
    create index tier_history_member on tier_history (merchant_id, member_id, created_at);

    create table tier_right_use (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      tier_id uuid not null,
      right_code text not null,
      month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
      actor_id uuid,
      used_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, tier_id) references tier (merchant_id, id)
    );
    create index tier_right_use_month on tier_right_use (merchant_id, member_id, right_code, month);

    create table points_setting (
      merchant_id uuid primary key references merchant (id),
      default_fen_per_point int check (default_fen_per_point > 0),
      categories jsonb not null default '[]',
      expiry_policy text not null default 'never'
        check (expiry_policy in ('never', 'months_after', 'year_end_after')),
      expiry_months int check (expiry_months between 1 and 120),
      activation_bonus int not null default 100 check (activation_bonus >= 0),
      profile_bonus int not null default 0 check (profile_bonus >= 0),
      grant_ceilings jsonb not null,
      updated_at timestamptz not null,
      check (expiry_policy <> 'months_after' or expiry_months is not null)
    );

    create table points_campaign (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      multiplier_bp int not null check (multiplier_bp between 1 and 100000),
      starts_on date not null,
      ends_on date not null,
      categories text[],
      created_at timestamptz not null,
      primary key (merchant_id, id),
      check (ends_on >= starts_on)
    );

    -- One earning per paid order: the same order can never earn twice, whatever the key.
    create table points_earning (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      order_ref text not null,
      paid_at timestamptz not null,
      amount_fen bigint not null,
      points bigint not null,
      growth bigint not null,
      entry_id uuid,
      detail jsonb not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, order_ref),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, entry_id) references ledger_entry (merchant_id, id)
    );

    -- A lot is one credit's points with its expiry; remaining + expired <= amount, the rest
    -- was spent. Points with no lot (imported opening points, merges) never expire.
    create table points_lot (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      entry_id uuid not null,
      amount bigint not null check (amount > 0),
      remaining bigint not null,
      expired bigint not null default 0,
      expires_at timestamptz,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      check (remaining >= 0 and expired >= 0 and remaining + expired <= amount),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, entry_id) references ledger_entry (merchant_id, id)
    );
    create index points_lot_member on points_lot (merchant_id, member_id, expires_at)
      where remaining > 0;
    create index points_lot_due on points_lot (merchant_id, expires_at)
      where remaining > 0 and expires_at is not null;

    -- Which lots a debit took from, so that its reversal puts the points back where they were.
    create table points_lot_use (
      merchant_id uuid not null,
      entry_id uuid not null,
      lot_id uuid not null,
      amount bigint not null check (amount > 0),
      primary key (merchant_id, entry_id, lot_id),
      foreign key (merchant_id, entry_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, lot_id) references points_lot (merchant_id, id)
    );

    -- Activation and profile-completion bonuses are paid once per member, whatever happens.
    create unique index ledger_entry_points_bonus_once on ledger_entry (merchant_id, member_id, kind)
      where kind in ('activation', 'profile_bonus');

    create table mall_reward (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      kind text not null check (kind in ('goods', 'service', 'coupon')),
      name text not null,
      description text,
      points_price bigint not null check (points_price > 0),
      stock int check (stock >= 0),
      per_member_limit int check (per_member_limit > 0),
      starts_on date,
      ends_on date,
      active boolean not null default true,
      coupon_template_id uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      check (ends_on is null or starts_on is null or ends_on >= starts_on)
    );

    create table mall_redemption (
      merchant_id uuid not null,
      id uuid not null,
      reward_id uuid not null,
      member_id uuid not null,
      points bigint not null check (points > 0),
      status text not null check (status in ('redeemed', 'fulfilled', 'cancelled')),
      pickup_code text,
      entry_id uuid not null,
      refund_entry_id uuid,
      cancel_reason text,
      created_at timestamptz not null,
      fulfilled_at timestamptz,
      cancelled_at timestamptz,
      primary key (merchant_id, id),
      unique (merchant_id, pickup_code),
      foreign key (merchant_id, reward_id) references mall_reward (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, entry_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, refund_entry_id) references ledger_entry (merchant_id, id)
    );
    create index mall_redemption_member on mall_redemption (merchant_id, member_id, reward_id);
    create index mall_redemption_reward on mall_redemption (merchant_id, reward_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table mall_redemption, mall_reward, points_lot_use, points_lot, points_earning,
      points_campaign, points_setting, tier_right_use, tier_history, growth_entry,
      member_loyalty, tier, tier_setting;
    drop index ledger_entry_points_bonus_once;
  `.execute(db);
}
