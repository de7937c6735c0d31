import { type Kysely, sql } from 'kysely';

// An actor's recent audit entries: the per-actor limit on phone lookups counts them, and the
// console's audit log filters by staff member.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_log_actor on audit_log (merchant_id, actor_id, action, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index audit_log_actor`.execute(db);
}
