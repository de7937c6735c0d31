import { type Kysely, sql } from 'kysely';

/**
 * When a merchant's RFM and lifecycle were last computed: the nightly sweep runs a merchant
 * once its local recompute time has passed and its last run is older than that instant.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rfm_setting add column computed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rfm_setting drop column computed_at`.execute(db);
}
