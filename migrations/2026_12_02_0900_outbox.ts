import { type Kysely, sql } from 'kysely';

// One outbox for everything the system sends: member messages on every channel and webhook
// deliveries to integrators. A row is written in the transaction of the fact that caused it, and
// `dedupe_key` (per member, purpose and occurrence; per event and subscription) makes a second
// write of the same occurrence a no-op, so a replayed job or a crash never sends twice. The
// delivery worker claims due rows of every merchant (`outbox_due`) with SKIP LOCKED and a lease
// (`locked_until`), so two app instances never hold one row and a crashed one's rows come back.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table outbox_message (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      channel text not null check (channel in ('inbox', 'sms', 'email', 'wechat', 'webhook')),
      purpose text not null check (purpose in ('marketing', 'service')),
      member_id uuid,
      address text,
      template text,
      payload jsonb not null default '{}',
      subscription_id uuid,
      event_id uuid,
      dedupe_key text not null,
      status text not null default 'pending'
        check (status in ('pending', 'retrying', 'sent', 'dead', 'skipped')),
      skip_reason text,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      locked_until timestamptz,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, dedupe_key),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index outbox_due on outbox_message (next_attempt_at)
      where status in ('pending', 'retrying');
    create index outbox_member on outbox_message (merchant_id, member_id, created_at)
      where member_id is not null;
    create index outbox_recent on outbox_message (merchant_id, created_at, id);

    create table outbox_attempt (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      message_id uuid not null,
      attempt integer not null,
      ok boolean not null,
      status_code integer,
      error text,
      duration_ms integer not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, message_id) references outbox_message (merchant_id, id)
    );
    create index outbox_attempt_message on outbox_attempt (merchant_id, message_id, attempt);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table outbox_attempt; drop table outbox_message;`.execute(db);
}
