/**
 * npm run bench:dashboard [-- --members 1000000 --rounds 3]
 *
 * Every dashboard tile on the scale demo (generateScaleDemo: N members, ~10 orders each over two
 * years) for today, this week and this month, whole merchant and one store: the best and the
 * worst of `rounds` runs per tile in ms against the 500 ms target, with the load average, so a
 * figure taken on a busy machine says so. RFM is recomputed first so its tiles have rows.
 * Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { DashboardPeriod } from '../src/core/reports/dashboard.schema.ts';
import {
  campaignsTile,
  lifecycleTile,
  rfmTile,
  tiersTile,
} from '../src/core/reports/dashboard-members.service.ts';
import { resolveDashboardRange } from '../src/core/reports/dashboard-range.service.ts';
import {
  kpiTile,
  salesByDayTile,
  salesByStoreTile,
} from '../src/core/reports/dashboard-sales.service.ts';
import {
  couponsTile,
  pointsTile,
  walletTile,
} from '../src/core/reports/dashboard-value.service.ts';
import { recomputeRfm } from '../src/core/rfm/rfm.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { loadLine, scaleDemo, table } from './support.ts';

const TARGET_MS = 500;
const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
  },
});
const members = Number(values.members);
const rounds = Number(values.rounds);
if (!(members > 0 && rounds > 0)) throw new Error('bad --members or --rounds');

const { db, demo, now, stop } = await scaleDemo(members, (l) => console.log(l));
const ctx = systemCtx(demo.merchantId, now);
await recomputeRfm(db, ctx);
// a merchant's history is written once and read often: vacuumed, its pages are all-visible and
// the tiles' covering indexes answer without the heap, as on a live database after autovacuum
await sql`vacuum (analyze) sale_order, order_refund, ledger_balance, ledger_entry, coupon,
  member, member_rfm, member_loyalty, recharge`.execute(db);
const store = await db
  .selectFrom('store')
  .select('id')
  .where('merchant_id', '=', demo.merchantId)
  .orderBy('code')
  .executeTakeFirstOrThrow();

const TILES = {
  kpis: kpiTile,
  sales_by_day: salesByDayTile,
  sales_by_store: salesByStoreTile,
  wallet: walletTile,
  points: pointsTile,
  coupons: couponsTile,
  campaigns: campaignsTile,
  rfm: rfmTile,
  lifecycle: lifecycleTile,
  tiers: tiersTile,
};

console.log(`before: ${loadLine()}`);
const rows: (string | number)[][] = [['tile', 'period', 'store', 'best ms', 'worst ms', 'target']];
let missed = 0;
for (const period of ['today', 'week', 'month'] as DashboardPeriod[]) {
  for (const storeId of [undefined, store.id]) {
    const range = await resolveDashboardRange(db, ctx, {
      period,
      ...(storeId ? { store_id: storeId } : {}),
    });
    for (const [name, tile] of Object.entries(TILES)) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await tile(db, ctx, range);
        times.push(performance.now() - t);
      }
      const worst = Math.max(...times);
      if (worst > TARGET_MS) missed += 1;
      rows.push([
        name,
        period,
        storeId ? 'one' : 'all',
        Math.min(...times).toFixed(0),
        worst.toFixed(0),
        worst <= TARGET_MS ? `≤ ${TARGET_MS} ok` : `> ${TARGET_MS} MISSED`,
      ]);
    }
  }
}
console.log(table(rows));
console.log(`after: ${loadLine()}`);
console.log(`${missed} tile runs over ${TARGET_MS} ms at ${members.toLocaleString()} members`);
await stop();
