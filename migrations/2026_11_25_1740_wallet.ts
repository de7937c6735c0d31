import { type Kysely, sql } from 'kysely';

// Stored value (储值), tenders, payment passwords, paid membership (付费会员) and
// pay-to-become-member invitations (支付即会员). Value itself lives in `ledger_entry`
// (ledgers `principal` and `bonus`); these tables hold the facts that explain it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table wallet_setting (
      merchant_id uuid primary key references merchant (id),
      spending_order text not null default 'proportional'
        check (spending_order in ('proportional', 'bonus_first', 'principal_first')),
      -- a balance payment above this needs the payment password; null: never required
      password_threshold_fen bigint check (password_threshold_fen >= 0),
      member_code_as_password boolean not null default false,
      -- a non-member paying at least this gets a card invitation; null: off
      pay_to_join_min_fen bigint check (pay_to_join_min_fen > 0),
      updated_at timestamptz not null
    );

    create table recharge_plan (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      price_fen bigint not null check (price_fen > 0),
      bonus_fen bigint not null check (bonus_fen >= 0),
      bonus_mode text not null check (bonus_mode in ('immediate', 'monthly')),
      bonus_instalments_fen integer[] not null default '{}',
      instalment_start text not null default 'next_month'
        check (instalment_start in ('this_month', 'next_month')),
      coupon_pack jsonb not null default '[]',
      refundable boolean not null default true,
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      check ((bonus_mode = 'immediate' and cardinality(bonus_instalments_fen) = 0)
        or (bonus_mode = 'monthly' and cardinality(bonus_instalments_fen) between 1 and 36))
    );

    create table recharge (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      plan_id uuid,
      store_id uuid,
      price_fen bigint not null check (price_fen > 0),
      bonus_fen bigint not null check (bonus_fen >= 0),
      -- snapshot of the plan's coupon part: the coupons module issues it and sets issued_at
      coupon_pack jsonb not null default '[]',
      coupon_pack_issued_at timestamptz,
      refundable boolean not null,
      status text not null default 'completed' check (status in ('completed', 'refunded')),
      principal_entry_id uuid not null,
      refund jsonb,
      refunded_at timestamptz,
      actor_kind text not null,
      actor_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, plan_id) references recharge_plan (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, principal_entry_id) references ledger_entry (merchant_id, id)
    );
    create index recharge_member on recharge (merchant_id, member_id, created_at desc);

    -- Money taken or given back at the till, per method, through a payment provider.
    create table tender (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      ref_type text not null check (ref_type in ('recharge', 'paid_membership')),
      ref_id uuid not null,
      direction text not null check (direction in ('charge', 'refund')),
      method text not null check (method in ('cash', 'wechat_pay', 'alipay', 'bank_card')),
      amount_fen bigint not null check (amount_fen > 0),
      provider text not null,
      provider_ref text,
      refunds_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, refunds_id) references tender (merchant_id, id),
      check ((direction = 'refund') = (refunds_id is not null))
    );
    create index tender_ref on tender (merchant_id, ref_type, ref_id);

    -- A slice of bonus with a spending window. It is spendable iff
    -- available_from <= now < expires_at (null: never expires), whatever the jobs have done;
    -- the jobs (and any spend) bring the bonus ledger in line: +amount at release,
    -- -remaining at expiry, each entry's id kept here so a second run posts nothing.
    create table bonus_part (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      recharge_id uuid not null,
      seq int not null check (seq >= 0),
      amount_fen bigint not null check (amount_fen > 0),
      remaining_fen bigint not null check (remaining_fen >= 0),
      closed_fen bigint not null default 0 check (closed_fen >= 0),
      available_from timestamptz not null,
      expires_at timestamptz,
      status text not null check (status in ('pending', 'released', 'expired', 'forfeited')),
      released_entry_id uuid,
      closed_entry_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, recharge_id, seq),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, recharge_id) references recharge (merchant_id, id),
      foreign key (merchant_id, released_entry_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, closed_entry_id) references ledger_entry (merchant_id, id),
      check (remaining_fen + closed_fen <= amount_fen),
      check (expires_at is null or expires_at > available_from),
      check ((status = 'released') = (released_entry_id is not null and closed_entry_id is null)
        or status in ('expired', 'forfeited'))
    );
    create index bonus_part_member on bonus_part (merchant_id, member_id)
      where status in ('pending', 'released');
    create index bonus_part_due_release on bonus_part (available_from) where status = 'pending';
    create index bonus_part_due_expiry on bonus_part (expires_at)
      where status = 'released' and expires_at is not null;

    create table wallet_payment (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      order_ref text not null,
      store_id uuid,
      amount_fen bigint not null check (amount_fen > 0),
      principal_fen bigint not null check (principal_fen >= 0),
      bonus_fen bigint not null check (bonus_fen >= 0),
      -- which bonus parts paid how much: a later reversal puts it back where it came from
      bonus_parts jsonb not null default '[]',
      auth text not null check (auth in ('none', 'password', 'member_code')),
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      check (principal_fen + bonus_fen = amount_fen)
    );
    create index wallet_payment_member on wallet_payment (merchant_id, member_id, created_at desc);
    create index wallet_payment_order on wallet_payment (merchant_id, order_ref);

    -- Wrong tries are counted here, committed apart from the refused payment, so a lock
    -- survives restarts and cannot be reset by retrying.
    create table payment_password (
      merchant_id uuid not null,
      member_id uuid not null,
      password_hash text not null,
      failed_tries int not null default 0 check (failed_tries >= 0),
      locked_until timestamptz,
      updated_at timestamptz not null,
      primary key (merchant_id, member_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );

    create table membership_plan (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      price_fen bigint not null check (price_fen > 0),
      duration_months int not null check (duration_months between 1 and 120),
      -- the tier it grants; tiers are another module, so no foreign key yet
      tier_id uuid,
      extra_discount_bp int not null default 0 check (extra_discount_bp between 0 and 10000),
      monthly_coupons jsonb not null default '[]',
      refund_full_within_days int not null default 0 check (refund_full_within_days between 0 and 366),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id)
    );

    -- One row per paid period (a purchase or a renewal); the member is a paid member iff some
    -- paid row has starts_at <= now < expires_at.
    create table paid_membership (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      plan_id uuid not null,
      kind text not null check (kind in ('purchase', 'renewal')),
      price_fen bigint not null check (price_fen > 0),
      starts_at timestamptz not null,
      expires_at timestamptz not null,
      benefits jsonb not null,
      refund_full_within_days int not null,
      status text not null default 'paid' check (status in ('paid', 'expired', 'refunded')),
      refund_fen bigint,
      refunded_at timestamptz,
      expired_at timestamptz,
      store_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, plan_id) references membership_plan (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      check (expires_at > starts_at)
    );
    create index paid_membership_member on paid_membership (merchant_id, member_id, expires_at desc);
    create index paid_membership_due on paid_membership (expires_at) where status = 'paid';

    create table membership_invitation (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      phone text not null,
      paid_fen bigint not null check (paid_fen > 0),
      store_id uuid,
      status text not null default 'sent' check (status in ('sent', 'accepted')),
      member_id uuid,
      created_at timestamptz not null,
      accepted_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    -- one open invitation per phone: paying twice does not send two cards
    create unique index membership_invitation_open on membership_invitation (merchant_id, phone)
      where status = 'sent';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table membership_invitation, paid_membership, membership_plan, payment_password,
    wallet_payment, bonus_part, tender, recharge, recharge_plan, wallet_setting`.execute(db);
}
