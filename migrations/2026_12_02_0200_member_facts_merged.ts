import { type Kysely, sql } from 'kysely';

// Member facts give a merged record's orders to its survivor: refreshing a survivor's facts
// finds the records merged into it by this index instead of scanning the merchant's members.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index member_merged_into on member (merchant_id, merged_into_id)
      where merged_into_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index member_merged_into`.execute(db);
}
