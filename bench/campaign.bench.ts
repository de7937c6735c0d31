/**
 * npm run bench:campaign [-- --members 100000 --batch 2000]
 *
 * A campaign launch to N members (a 满100减50 coupon and an inbox message each, 10 % control
 * group): the queued run (`runCampaignLaunch`: snapshot, then batches that each issue coupons
 * through issueCoupons, write the messages and mark their campaign_member rows) next to one
 * hand-written INSERT … SELECT transaction writing the same rows (campaign_member, coupon,
 * member_message, the template's issued count) for an identical second merchant, in the same
 * run. Then a kill after the first batch and a resume: every member once, coupons issued once.
 * Target: launch ≤ 3× baseline. Uses DATABASE_URL's server when set, else an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createCampaign } from '../src/core/campaigns/campaign.service.ts';
import { requestLaunch } from '../src/core/campaigns/campaign-launch.service.ts';
import { runCampaignLaunch } from '../src/core/campaigns/campaign-run.service.ts';
import { createTemplate } from '../src/core/coupons/coupon.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { connect } from '../src/db/connect.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import {
  benchDatabase,
  benchMerchant,
  insertConsentingMembers,
  loadLine,
  table,
} from './support.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '2000' },
  },
});
const members = Number(values.members);
const batchSize = Number(values.batch);
if (!(members > 0 && batchSize > 0)) throw new Error('bad flags');

const database = await benchDatabase(`regulars_bench_campaign_${Date.now()}`);
const conn = connect(database.url, 4);
const db: Db = conn.db;
await migrateToLatest(db);

/** N members with consent (a quick generator: the scale demo is not needed for this). */
async function merchantWithMembers(tag: string) {
  const { merchantId } = await benchMerchant(db);
  await insertConsentingMembers(db, merchantId, tag, members);
  const ctx = systemCtx(merchantId, new Date());
  const template = await db.transaction().execute((trx) =>
    createTemplate(trx, ctx, {
      name: '满100减50',
      benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 5_000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: null,
      per_member_limit: null,
    }),
  );
  const ids = await db
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .execute();
  const campaign = await db.transaction().execute((trx) =>
    createCampaign(trx, ctx, {
      name: 'bench',
      target: { member_ids: ids.map((r) => r.id) },
      actions: {
        coupon_template_id: template.id,
        message: { title: '好久不见', body: '送你满100减50' },
      },
      control_bp: 1000,
    }),
  );
  await db.transaction().execute((trx) => requestLaunch(trx, ctx, campaign.id, async () => {}));
  return { merchantId, ctx, templateId: template.id, campaignId: campaign.id };
}

console.log(`seeding 2 × ${members.toLocaleString()} members…`);
const a = await merchantWithMembers('a');
const b = await merchantWithMembers('b');
await sql`analyze`.execute(db);

let t = performance.now();
await runCampaignLaunch(db, { merchantId: a.merchantId, campaignId: a.campaignId }, { batchSize });
const launchMs = performance.now() - t;

// the baseline: the same rows for merchant b in one INSERT … SELECT transaction
t = performance.now();
await db.transaction().execute(async (trx) => {
  const m = b.merchantId;
  const now = new Date();
  await sql`
    insert into campaign_member (merchant_id, campaign_id, member_id, store_id, in_control, outcome, decided_at)
    select ${m}, ${b.campaignId}, t.id, null, c, case when c then 'control' else 'pending' end,
      case when c then ${now}::timestamptz end
    from (select m.id, ((hashtextextended(${b.campaignId}::text || m.id::text, 0) % 10000) + 10000) % 10000 < 1000 as c
      from unnest((select target_member_ids from campaign where merchant_id = ${m} and id = ${b.campaignId})) u(id)
      join member m on m.merchant_id = ${m} and m.id = u.id and m.status = 'active' and m.marketing_consent) t`.execute(
    trx,
  );
  // marking the members first hands their fresh coupon and message ids to the inserts: no join back
  await sql`
    with picked as (
      update campaign_member set outcome = 'issued', coupon_id = gen_random_uuid(),
        message_id = gen_random_uuid(), decided_at = ${now}
      where merchant_id = ${m} and campaign_id = ${b.campaignId} and outcome = 'pending'
      returning member_id, coupon_id, message_id),
    coupons as (
      insert into coupon (merchant_id, id, template_id, member_id, code, status, uses_left, valid_from,
        valid_until, issued_via, created_at)
      select ${m}, coupon_id, ${b.templateId}, member_id, upper(substr(md5(coupon_id::text), 1, 16)),
        'issued', 1, ${now}, ${now}::timestamptz + interval '30 days', 'campaign', ${now}
      from picked returning 1),
    messages as (
      insert into member_message (merchant_id, id, member_id, purpose, title, body, ref_type, ref_id, created_at)
      select ${m}, message_id, member_id, 'marketing', '好久不见', '送你满100减50', 'campaign', ${b.campaignId}, ${now}
      from picked returning 1)
    update coupon_template set issued = issued + (select count(*) from picked)
      + 0 * (select count(*) from coupons) + 0 * (select count(*) from messages)
    where merchant_id = ${m} and id = ${b.templateId}`.execute(trx);
});
const baselineMs = performance.now() - t;

// exactly once after a kill: a third merchant killed after its first batch, then resumed
const c = await merchantWithMembers('c');
const payload = { merchantId: c.merchantId, campaignId: c.campaignId };
await runCampaignLaunch(db, payload, {
  batchSize,
  afterBatch: () => {
    throw new Error('killed');
  },
}).catch(() => undefined);
await runCampaignLaunch(db, payload, { batchSize });
const { rows } = await sql<{ members: string; coupons: string; doubles: string; pending: string }>`
  select (select count(*) from campaign_member where merchant_id = ${c.merchantId}) as members,
    (select count(*) from coupon where merchant_id = ${c.merchantId}) as coupons,
    (select count(*) from (select member_id from coupon where merchant_id = ${c.merchantId}
      group by member_id having count(*) > 1) d) as doubles,
    (select count(*) from campaign_member where merchant_id = ${c.merchantId} and outcome = 'pending') as pending`.execute(
  db,
);
const check = rows[0]!;
const issuedC = await db
  .selectFrom('campaign_member')
  .select((eb) => eb.fn.countAll<string>().as('n'))
  .where('merchant_id', '=', c.merchantId)
  .where('outcome', '=', 'issued')
  .executeTakeFirstOrThrow();
const once =
  Number(check.members) === members &&
  Number(check.pending) === 0 &&
  Number(check.doubles) === 0 &&
  Number(check.coupons) === Number(issuedC.n);

console.log(loadLine());
console.log(
  table([
    ['what', 'members', 'ms', 'ratio'],
    [
      'launch (runCampaignLaunch)',
      members,
      launchMs.toFixed(0),
      (launchMs / baselineMs).toFixed(2),
    ],
    ['INSERT … SELECT baseline', members, baselineMs.toFixed(0), '1.00'],
  ]),
);
console.log(`target ≤ 3×: ${launchMs / baselineMs <= 3 ? 'met' : 'NOT met'}`);
console.log(
  `exactly once after a kill after the first batch: ${once ? 'yes' : 'NO'} (${JSON.stringify(check)})`,
);
await db.destroy();
await database.stop();
