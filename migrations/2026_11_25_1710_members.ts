import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table member (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      card_no text not null,
      phone text,
      name text,
      gender text not null default 'unknown' check (gender in ('male', 'female', 'unknown')),
      birthday date,
      source_channel text not null default 'store',
      home_store_id uuid,
      referrer_id uuid,
      custom jsonb not null default '{}',
      marketing_consent boolean not null default false,
      status text not null default 'active' check (status in ('active', 'merged', 'erased')),
      merged_into_id uuid,
      registered_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, card_no),
      foreign key (merchant_id, home_store_id) references store (merchant_id, id),
      foreign key (merchant_id, referrer_id) references member (merchant_id, id),
      foreign key (merchant_id, merged_into_id) references member (merchant_id, id)
    );
    create unique index member_phone on member (merchant_id, phone) where phone is not null;
    create index member_registered on member (merchant_id, registered_at desc, id desc);
    create index member_name on member (merchant_id, name);

    create table member_identity (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      kind text not null check (kind in ('wechat_openid', 'wechat_unionid', 'shop_customer', 'legacy_card')),
      value text not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, kind, value),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_identity_member on member_identity (merchant_id, member_id);

    create table custom_field (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
      label text not null,
      type text not null check (type in ('text', 'number', 'date', 'option')),
      options text[] not null default '{}',
      primary key (merchant_id, id),
      unique (merchant_id, key)
    );

    create table member_merge (
      merchant_id uuid not null,
      id uuid not null,
      survivor_id uuid not null,
      merged_id uuid not null,
      moved jsonb not null,
      actor_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, survivor_id) references member (merchant_id, id),
      foreign key (merchant_id, merged_id) references member (merchant_id, id)
    );

    -- One ledger table for points, stored-value principal and stored-value bonus:
    -- entries are append-only, balances move in the same transaction and never go below zero.
    create table ledger_balance (
      merchant_id uuid not null,
      member_id uuid not null,
      ledger text not null check (ledger in ('points', 'principal', 'bonus')),
      balance bigint not null check (balance >= 0),
      updated_at timestamptz not null,
      primary key (merchant_id, member_id, ledger),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );

    create table ledger_entry (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      ledger text not null check (ledger in ('points', 'principal', 'bonus')),
      kind text not null,
      amount bigint not null check (amount <> 0),
      balance_after bigint not null,
      ref_type text,
      ref_id text,
      reverses_id uuid,
      memo text,
      actor_kind text not null,
      actor_id uuid,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, reverses_id) references ledger_entry (merchant_id, id)
    );
    create index ledger_entry_member on ledger_entry (merchant_id, member_id, ledger, created_at);
    -- An opening balance is imported once per member and ledger: re-running an import adds nothing.
    create unique index ledger_entry_import_once on ledger_entry (merchant_id, member_id, ledger)
      where kind = 'import';
    -- A reversal happens at most once.
    create unique index ledger_entry_reversed_once on ledger_entry (merchant_id, reverses_id)
      where reverses_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ledger_entry, ledger_balance, member_merge, custom_field, member_identity, member`.execute(
    db,
  );
}
