import { type Kysely, sql } from 'kysely';

// A template is offered in the member page's coupon centre only when the merchant says so:
// most templates exist for pushes, packs and the mall, and must not be self-served. Existing
// templates stay off until a merchant turns them on.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table coupon_template add column member_claimable boolean not null default false;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table coupon_template drop column member_claimable;`.execute(db);
}
