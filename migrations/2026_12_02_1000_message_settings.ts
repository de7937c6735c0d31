import { type Kysely, sql } from 'kysely';

// A merchant's messaging settings and a member's per-channel opt-outs. The one-tap marketing
// switch stays member.marketing_consent; these rows only narrow it per channel. Templates
// override the built-in ones by code (or add codes); channel settings hold the provider and its
// config (secrets included, never returned in full); one settings row holds quiet hours (local
// minutes of the day, start > end wraps midnight) and the daily marketing cap per member.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table message_opt_out (
      merchant_id uuid not null references merchant (id),
      member_id uuid not null,
      channel text not null check (channel in ('inbox', 'sms', 'email', 'wechat', 'webhook')),
      created_at timestamptz not null,
      primary key (merchant_id, member_id, channel),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );

    create table message_template (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      code text not null check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
      purpose text not null check (purpose in ('marketing', 'service')),
      title_zh text not null,
      body_zh text not null,
      title_en text not null,
      body_en text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, code)
    );

    create table message_channel_setting (
      merchant_id uuid not null references merchant (id),
      channel text not null check (channel in ('sms', 'email', 'wechat')),
      enabled boolean not null default false,
      provider text not null,
      config jsonb not null default '{}',
      updated_at timestamptz not null,
      primary key (merchant_id, channel)
    );

    create table message_setting (
      merchant_id uuid not null primary key references merchant (id),
      quiet_start_minute integer check (quiet_start_minute between 0 and 1439),
      quiet_end_minute integer check (quiet_end_minute between 0 and 1439),
      daily_marketing_cap integer check (daily_marketing_cap > 0),
      updated_at timestamptz not null,
      check ((quiet_start_minute is null) = (quiet_end_minute is null))
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table message_setting; drop table message_channel_setting;
    drop table message_template; drop table message_opt_out;
  `.execute(db);
}
