import { type Kysely, sql } from 'kysely';

// Logins are throttled per login name and per client address with a growing delay instead of a
// lock: a streak of failures is forgotten once its delay has passed and 15 quiet minutes
// followed. `login_throttle` is keyed before any merchant is known ('login:<name>',
// 'address:<ip>'), so it is a global table, not a tenant one. The staff row keeps only what the
// owner is told at the next login (failures since the last login) and the addresses of recent
// successful logins, which the per-login delay spares. Sessions slide on `last_seen_at`.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_throttle (
      key text primary key,
      failures int not null check (failures > 0),
      last_failed_at timestamptz not null
    );
    create index login_throttle_last_failed_at on login_throttle (last_failed_at);

    alter table staff drop column locked_until;
    alter table staff add column last_failed_login_at timestamptz;
    alter table staff add column login_addresses text[] not null default '{}';

    alter table staff_session add column last_seen_at timestamptz;
    update staff_session set last_seen_at = created_at;
    alter table staff_session alter column last_seen_at set not null;
    alter table staff_session add column failed_logins_before int not null default 0;
    alter table staff_session add column last_failed_login_at timestamptz;
    create index staff_session_staff on staff_session (merchant_id, staff_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index staff_session_staff;
    alter table staff_session drop column last_failed_login_at;
    alter table staff_session drop column failed_logins_before;
    alter table staff_session drop column last_seen_at;
    alter table staff drop column login_addresses;
    alter table staff drop column last_failed_login_at;
    alter table staff add column locked_until timestamptz;
    drop table login_throttle;
  `.execute(db);
}
