/**
 * npm run bench:automation [-- --members 1000000 --batch 500]
 *
 * The daily birthday run over N members (birthdays spread over the year, so ≈ N/365 are due): one
 * birthday automation with a coupon and an inbox message, planned and executed by the sweep
 * (`runAutomationSweep`: the due occurrences into automation_run, then batches that issue the
 * coupons through issueCoupons, enqueue the messages through the outbox and record each run),
 * next to one hand-written transaction that selects the same due members of an identical second
 * merchant and inserts their coupons, outbox rows and inbox messages with INSERT … SELECT, in the
 * same run. Then a second sweep at the same instant: nothing new. Target: ≤ 2× the baseline.
 * Uses DATABASE_URL's server when set, else an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createAutomation } from '../src/core/automation/automation.service.ts';
import { runAutomationSweep } from '../src/core/automation/automation-sweep.service.ts';
import { createTemplate } from '../src/core/coupons/coupon.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { connect } from '../src/db/connect.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { localInstant } from '../src/lib/time.ts';
import {
  benchDatabase,
  benchMerchant,
  insertConsentingMembers,
  loadLine,
  table,
} from './support.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '500' },
  },
});
const members = Number(values.members);
const batchSize = Number(values.batch);
if (!(members > 0 && batchSize > 0)) throw new Error('bad flags');

const ZONE = 'Asia/Shanghai';
const now = localInstant('2026-06-15T00:10', ZONE);

const database = await benchDatabase(`regulars_bench_automation_${Date.now()}`);
const conn = connect(database.url, 4);
const db: Db = conn.db;
await migrateToLatest(db);

/** N members with consent, birthdays spread over the days of the year, and a birthday coupon. */
async function merchantWithMembers(tag: string) {
  const { merchantId } = await benchMerchant(db);
  await insertConsentingMembers(db, merchantId, tag, members);
  const ctx = systemCtx(merchantId, new Date(now.getTime() - 86_400_000));
  const template = await db.transaction().execute((trx) =>
    createTemplate(trx, ctx, {
      name: '生日免费课',
      benefit: { kind: 'cash_voucher', value_fen: 8_000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    }),
  );
  return { merchantId, ctx, templateId: template.id };
}

console.log(`seeding 2 × ${members.toLocaleString()} members…`);
const a = await merchantWithMembers('a');
const b = await merchantWithMembers('b');
await db.transaction().execute((trx) =>
  createAutomation(trx, a.ctx, {
    name: '生日礼',
    trigger: { kind: 'birthday', days_before: 0 },
    actions: {
      coupon_template_id: a.templateId,
      message: { channel: 'inbox', template: 'birthday' },
    },
    member_limit: 'yearly',
  }),
);
// yesterday's sweep planned yesterday: today's is the daily run
await db
  .updateTable('automation')
  .set({ planned_on: '2026-06-14' })
  .where('merchant_id', '=', a.merchantId)
  .execute();
await sql`analyze`.execute(db);

let t = performance.now();
const run = await runAutomationSweep(db, now, { merchantId: a.merchantId, batchSize });
const runMs = performance.now() - t;

// the baseline: the same rows for merchant b, selected and inserted in one transaction
t = performance.now();
await db.transaction().execute(async (trx) => {
  const m = b.merchantId;
  await sql`
    with due as (
      select id as member_id, gen_random_uuid() as coupon_id, gen_random_uuid() as message_id
      from member
      where merchant_id = ${m} and status = 'active' and marketing_consent
        and to_char(birthday, 'MM-DD') = '06-15'),
    coupons as (
      insert into coupon (merchant_id, id, template_id, member_id, code, status, uses_left,
        valid_from, valid_until, issued_via, created_at)
      select ${m}, coupon_id, ${b.templateId}, member_id, upper(substr(md5(coupon_id::text), 1, 16)),
        'issued', 1, ${now}, ${now}::timestamptz + interval '30 days', 'automation', ${now}
      from due returning 1),
    outbox as (
      insert into outbox_message (merchant_id, id, channel, purpose, member_id, template, payload,
        dedupe_key, status, attempts, next_attempt_at, sent_at, created_at)
      select ${m}, message_id, 'inbox', 'marketing', member_id, 'birthday', '{}',
        'birthday:2026:' || member_id, 'sent', 1, ${now}, ${now}, ${now}
      from due returning 1),
    inbox as (
      insert into member_message (merchant_id, id, member_id, purpose, title, body, created_at)
      select ${m}, message_id, member_id, 'marketing', '生日快乐', '送你一节免费课', ${now}
      from due returning 1)
    update coupon_template set issued = issued + (select count(*) from coupons)
      + 0 * (select count(*) from outbox) + 0 * (select count(*) from inbox)
    where merchant_id = ${m} and id = ${b.templateId}`.execute(trx);
});
const baselineMs = performance.now() - t;

const again = await runAutomationSweep(db, now, { merchantId: a.merchantId, batchSize });
const { rows } = await sql<{ coupons: number; messages: number; doubles: number; due: number }>`
  select (select count(*)::int from coupon where merchant_id = ${a.merchantId}) as coupons,
    (select count(*)::int from outbox_message where merchant_id = ${a.merchantId}) as messages,
    (select count(*)::int from (select member_id from coupon where merchant_id = ${a.merchantId}
      group by member_id having count(*) > 1) d) as doubles,
    (select count(*)::int from coupon where merchant_id = ${b.merchantId}) as due`.execute(db);
const check = rows[0]!;
const once =
  check.coupons === check.due &&
  check.messages === check.due &&
  check.doubles === 0 &&
  again.planned === 0 &&
  again.executed === 0;

console.log(loadLine());
console.log(
  table([
    ['what', 'members', 'due', 'ms', 'ratio'],
    [
      'birthday run (plan + execute)',
      members,
      run.executed,
      runMs.toFixed(0),
      (runMs / baselineMs).toFixed(2),
    ],
    ['hand-written INSERT … SELECT', members, check.due, baselineMs.toFixed(0), '1.00'],
  ]),
);
console.log(`target ≤ 2×: ${runMs / baselineMs <= 2 ? 'met' : 'NOT met'}`);
console.log(
  `exactly once, and a second sweep adds nothing: ${once ? 'yes' : 'NO'} (${JSON.stringify(check)})`,
);
await db.destroy();
await database.stop();
