import { type Kysely, sql } from 'kysely';

// The merchant's frequency cap across campaigns: a new campaign that states no cap of its own
// takes this one (docs/campaigns.md). Both set or both null.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table merchant
      add column campaign_cap_max integer,
      add column campaign_cap_days integer,
      add constraint merchant_campaign_cap check (
        (campaign_cap_max is null) = (campaign_cap_days is null)
        and coalesce(campaign_cap_max, 1) > 0 and coalesce(campaign_cap_days, 1) > 0)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table merchant drop constraint merchant_campaign_cap,
      drop column campaign_cap_max, drop column campaign_cap_days
  `.execute(db);
}
