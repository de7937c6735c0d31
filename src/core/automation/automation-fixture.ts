import { sql } from 'kysely';
import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { localInstant } from '../../lib/time.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import type { AutomationBody } from './automation.schema.ts';
import { createAutomation } from './automation.service.ts';
import { runAutomationSweep } from './automation-sweep.service.ts';

// Builders shared by the automation tests: a merchant in a zone, members registered at a local
// instant, a free-class coupon, automations, and the sweep run at a local instant.

export const DAY = 86_400_000;

export async function automationWorld(db: Db, timeZone = 'Asia/Shanghai') {
  const m = await createTestMerchant(db, { timeZone });
  /** the instant of a local wall-clock time 'YYYY-MM-DDTHH:mm' in the merchant's zone */
  const at = (local: string) => localInstant(local, timeZone);
  const member = (
    registered: string,
    input: { birthday?: string; marketing_consent?: boolean; name?: string } = {},
  ) => createMember(db, m.ctx('owner', at(registered)), { marketing_consent: true, ...input });
  const sweep = (local: string) => runAutomationSweep(db, at(local), { merchantId: m.merchantId });
  const automation = (created: string, body: AutomationBody) =>
    db.transaction().execute((trx) => createAutomation(trx, m.ctx('marketer', at(created)), body));
  return { m, at, member, sweep, automation, timeZone };
}

export const freeClass = (db: Db, m: TestMerchant, totalStock: number | null = null) =>
  db.transaction().execute((trx) =>
    createTemplate(trx, m.ctx(), {
      name: '免费体验课',
      benefit: { kind: 'cash_voucher', value_fen: 8_000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: totalStock,
      per_member_limit: null,
    }),
  );

/** The runs of an automation, oldest first. */
export const runsOf = (db: Db, m: TestMerchant, automationId: string) =>
  db
    .selectFrom('automation_run')
    .selectAll()
    .where('merchant_id', '=', m.merchantId)
    .where('automation_id', '=', automationId)
    .orderBy('due_at')
    .orderBy('member_id')
    .execute();

/** Coupons issued by automations, per member id. */
export async function couponsByMember(db: Db, m: TestMerchant) {
  const rows = await db
    .selectFrom('coupon')
    .select(['member_id'])
    .where('merchant_id', '=', m.merchantId)
    .where('issued_via', '=', 'automation')
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.member_id, (counts.get(r.member_id) ?? 0) + 1);
  return counts;
}

/** Outbox messages per member id. */
export async function messagesByMember(db: Db, m: TestMerchant) {
  const rows = await db
    .selectFrom('outbox_message')
    .select(['member_id'])
    .where('merchant_id', '=', m.merchantId)
    .where('dedupe_key', 'like', 'automation:%')
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.member_id!, (counts.get(r.member_id!) ?? 0) + 1);
  return counts;
}

/** A lifecycle transition recorded as the nightly RFM run records it. */
export const lifecycleChange = (db: Db, m: TestMerchant, memberId: string, to: string, at: Date) =>
  sql`insert into member_lifecycle_change (merchant_id, id, member_id, from_stage, to_stage, changed_at)
    values (${m.merchantId}, ${newId()}, ${memberId}, 'active', ${to}, ${at})`.execute(db);

/** The member's last purchase, as the order commit records it in member_fact. */
export const lastOrder = (db: Db, m: TestMerchant, memberId: string, at: Date) =>
  sql`insert into member_fact (merchant_id, member_id, first_order_at, last_order_at, order_count,
      spend_fen, recent_order_at, updated_at)
    values (${m.merchantId}, ${memberId}, ${at}, ${at}, 1, 10000, array[${at}::timestamptz], ${at})
    on conflict (merchant_id, member_id) do update set last_order_at = excluded.last_order_at,
      recent_order_at = excluded.recent_order_at`.execute(db);
