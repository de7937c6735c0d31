import { type Kysely, sql } from 'kysely';

// Referral distribution (全民拓客). A member's share code; a binding of a new customer to the
// sharer (pending from the share link until the merchant's binding event, then bound, once:
// the referee is the key); commissions per order, each reversal pointing at what it reverses
// (one commission per order, one reversal per refund, by unique indexes); withdrawals from the
// commission ledger that an owner approves or refuses. The refund row is inserted after its
// reversal in the same transaction, hence the deferred foreign key.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table referral_setting (
      merchant_id uuid primary key references merchant (id),
      active boolean not null default false,
      bind_on text not null default 'first_payment' check (bind_on in ('claim', 'first_payment')),
      binding_window_days integer not null default 30 check (binding_window_days between 1 and 3650),
      rule text not null default 'first_order_percent'
        check (rule in ('fixed_new_member', 'first_order_percent', 'orders_percent')),
      fixed_fen integer not null default 0 check (fixed_fen between 0 and 100000000),
      percent_bp integer not null default 0 check (percent_bp between 0 and 10000),
      rule_days integer not null default 30 check (rule_days between 1 and 3650),
      payout text not null default 'ledger' check (payout in ('points', 'ledger')),
      points_per_yuan integer not null default 1 check (points_per_yuan between 1 and 10000),
      updated_at timestamptz not null
    );
    create table referral_code (
      merchant_id uuid not null,
      member_id uuid not null,
      code text not null,
      created_at timestamptz not null,
      primary key (merchant_id, member_id),
      unique (merchant_id, code),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create table referral_binding (
      merchant_id uuid not null,
      member_id uuid not null,
      referrer_id uuid not null,
      status text not null check (status in ('pending', 'bound')),
      invited_at timestamptz not null,
      bound_at timestamptz,
      bound_via text check (bound_via in ('claim', 'first_payment')),
      store_id uuid,
      first_order_id uuid,
      primary key (merchant_id, member_id),
      check (member_id <> referrer_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, referrer_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, first_order_id) references sale_order (merchant_id, id)
    );
    create index referral_binding_referrer on referral_binding (merchant_id, referrer_id);
    create table referral_commission (
      merchant_id uuid not null,
      id uuid not null,
      referrer_id uuid not null,
      referee_id uuid not null,
      order_id uuid not null,
      store_id uuid not null,
      refund_id uuid,
      reverses_id uuid,
      rule text not null,
      payout text not null check (payout in ('points', 'ledger')),
      amount_fen integer not null,
      points integer not null default 0,
      refunded_fen integer not null default 0,
      ledger_entry_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      check ((reverses_id is null) = (refund_id is null)),
      foreign key (merchant_id, referrer_id) references member (merchant_id, id),
      foreign key (merchant_id, referee_id) references member (merchant_id, id),
      foreign key (merchant_id, order_id) references sale_order (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, refund_id) references order_refund (merchant_id, id)
        deferrable initially deferred,
      foreign key (merchant_id, reverses_id) references referral_commission (merchant_id, id),
      foreign key (merchant_id, ledger_entry_id) references ledger_entry (merchant_id, id)
    );
    create unique index referral_commission_order on referral_commission (merchant_id, order_id)
      where reverses_id is null;
    create unique index referral_commission_refund on referral_commission (merchant_id, refund_id)
      where refund_id is not null;
    create index referral_commission_referrer
      on referral_commission (merchant_id, referrer_id, created_at);
    create table referral_withdrawal (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      amount_fen integer not null check (amount_fen > 0),
      status text not null check (status in ('pending', 'approved', 'refused')),
      note text,
      requested_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid,
      decision_reason text,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, decided_by) references staff (merchant_id, id)
    );
    create index referral_withdrawal_member on referral_withdrawal (merchant_id, member_id, requested_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table referral_withdrawal;
    drop table referral_commission;
    drop table referral_binding;
    drop table referral_code;
    drop table referral_setting;
  `.execute(db);
}
