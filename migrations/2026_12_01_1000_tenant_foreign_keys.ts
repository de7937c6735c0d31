import { type Kysely, sql } from 'kysely';

/**
 * A plan's tier is held inside the plan's merchant, like every other reference between tenant
 * rows: the database itself refuses another merchant's tier. A plan whose tier belongs to another
 * merchant (written before the id was checked) loses the tier instead of blocking the migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update membership_plan p set tier_id = null
    where tier_id is not null
      and not exists (select 1 from tier t where t.merchant_id = p.merchant_id and t.id = p.tier_id)
  `.execute(db);
  await sql`
    alter table membership_plan
      add constraint membership_plan_tier_fkey
      foreign key (merchant_id, tier_id) references tier (merchant_id, id)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table membership_plan drop constraint membership_plan_tier_fkey`.execute(db);
}
