import { type Kysely, sql } from 'kysely';

// Tenant tables: `merchant_id` leads every primary and foreign key (DESIGN.md §4).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table merchant (
      id uuid primary key,
      name text not null,
      time_zone text not null default 'Asia/Shanghai',
      currency char(3) not null default 'CNY',
      card_prefix text not null check (card_prefix ~ '^[0-9]{2,6}$'),
      allow_foreign_phone boolean not null default false,
      created_at timestamptz not null default now()
    );

    create table store (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      code text not null,
      name text not null,
      address text,
      created_at timestamptz not null default now(),
      primary key (merchant_id, id),
      unique (merchant_id, code)
    );

    create table staff (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      login text not null unique,
      display_name text not null,
      role text not null check (role in ('owner', 'manager', 'cashier', 'marketer')),
      store_id uuid,
      password_hash text not null,
      active boolean not null default true,
      failed_logins int not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      primary key (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id)
    );

    create table staff_session (
      token_hash text primary key,
      merchant_id uuid not null,
      staff_id uuid not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      foreign key (merchant_id, staff_id) references staff (merchant_id, id)
    );

    create table api_key (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      prefix text not null unique,
      secret_hash text not null,
      scopes text[] not null,
      created_by uuid not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      primary key (merchant_id, id)
    );

    create table audit_log (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      actor_kind text not null,
      actor_id uuid,
      action text not null,
      entity_type text not null,
      entity_id uuid,
      before jsonb,
      after jsonb,
      created_at timestamptz not null,
      primary key (merchant_id, id)
    );
    create index audit_log_entity on audit_log (merchant_id, entity_type, entity_id, created_at);

    create table idempotency_key (
      merchant_id uuid not null references merchant (id),
      key text not null,
      request_hash text not null,
      status_code int,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (merchant_id, key)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table idempotency_key, audit_log, api_key, staff_session, staff, store, merchant`.execute(
    db,
  );
}
