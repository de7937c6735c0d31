import { type Kysely, sql } from 'kysely';

// When a member first acted on an inbox message (its call to action): campaign_click is
// recorded once, by the conditional update that sets it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table member_message add column clicked_at timestamptz;`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table member_message drop column clicked_at;`.execute(db);
}
