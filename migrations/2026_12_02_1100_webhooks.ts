import { type Kysely, sql } from 'kysely';

// Webhooks for integrators. A subscription names an HTTPS endpoint, the event types it wants and
// the secret the server signs each delivery with (kept in clear: the server must sign with it;
// shown once at creation and on rotation). A deleted subscription keeps its row (deleted_at) so
// the delivery log and the outbox rows that name it stay whole. An event is written in the
// transaction of the operation that caused it, together with one outbox row per subscription
// that wants it; the outbox (one worker, every channel) delivers it after commit.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table webhook_subscription (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      url text not null,
      secret text not null,
      event_types text[] not null check (cardinality(event_types) > 0),
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz,
      primary key (merchant_id, id)
    );

    create table webhook_event (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      type text not null,
      payload jsonb not null,
      created_at timestamptz not null,
      primary key (merchant_id, id)
    );
    create index webhook_event_recent on webhook_event (merchant_id, created_at, id);

    alter table outbox_message
      add foreign key (merchant_id, subscription_id) references webhook_subscription (merchant_id, id),
      add foreign key (merchant_id, event_id) references webhook_event (merchant_id, id);
    -- the console's delivery log: newest first, per merchant, webhook rows only
    create index outbox_webhook_recent on outbox_message (merchant_id, created_at, id)
      where channel = 'webhook';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index outbox_webhook_recent;
    alter table outbox_message
      drop constraint outbox_message_merchant_id_subscription_id_fkey,
      drop constraint outbox_message_merchant_id_event_id_fkey;
    drop table webhook_event;
    drop table webhook_subscription;
  `.execute(db);
}
