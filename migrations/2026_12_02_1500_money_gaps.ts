import { type Kysely, sql } from 'kysely';

// A tier change records what caused it (the order whose growth upgraded, the refund that moved
// the member back down), so a refund can tell whether the tier was reached through its order.
// Referral commission can be paid as stored-value bonus; what a reversal could not take back
// (the bonus already spent) is recorded on the commission.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table tier_history add column ref_type text, add column ref_id text;
    alter table referral_setting drop constraint referral_setting_payout_check,
      add constraint referral_setting_payout_check check (payout in ('points', 'ledger', 'bonus'));
    alter table referral_commission drop constraint referral_commission_payout_check,
      add constraint referral_commission_payout_check
        check (payout in ('points', 'ledger', 'bonus')),
      add column unrecovered_fen integer not null default 0 check (unrecovered_fen >= 0);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table referral_commission drop column unrecovered_fen,
      drop constraint referral_commission_payout_check,
      add constraint referral_commission_payout_check check (payout in ('points', 'ledger'));
    alter table referral_setting drop constraint referral_setting_payout_check,
      add constraint referral_setting_payout_check check (payout in ('points', 'ledger'));
    alter table tier_history drop column ref_type, drop column ref_id;
  `.execute(db);
}
