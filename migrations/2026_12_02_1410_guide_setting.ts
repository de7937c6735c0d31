import { type Kysely, sql } from 'kysely';

// How long after a guide reached a member that member's orders count as the guide's: a
// merchant setting (7 days when unset). A bakery's follow-up converts within days, a jeweller's
// within weeks.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table guide_setting (
      merchant_id uuid primary key references merchant (id),
      attribution_days integer not null check (attribution_days between 1 and 90),
      updated_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table guide_setting;`.execute(db);
}
