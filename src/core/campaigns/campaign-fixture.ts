import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import type { CampaignBody } from './campaign.schema.ts';
import { createCampaign } from './campaign.service.ts';
import { requestLaunch } from './campaign-launch.service.ts';
import { type LaunchRunOptions, runCampaignLaunch } from './campaign-run.service.ts';

// Builders shared by the campaign tests: a merchant with a store, members, orders through the
// till's own commit, the S5 coupon (满100减50), and a launch run in process (no queue).

export const DAY = 86_400_000;

export async function campaignWorld(db: Db) {
  const m = await createTestMerchant(db);
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '一号店' }));
  return { m, storeId: store.id };
}

export const members = async (db: Db, ctx: Ctx, n: number, consent = true) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push((await createMember(db, ctx, { marketing_consent: consent })).id);
  return ids;
};

/** A cash sale of `fen` (one ad-hoc line) at `at`, with the coupons given. */
export async function sale(
  db: Db,
  m: TestMerchant,
  storeId: string,
  memberId: string,
  at: Date,
  fen: number,
  couponIds: string[] = [],
  offFen = 0,
) {
  const ctx = m.ctx('cashier', at);
  return db.transaction().execute((trx) =>
    commitOrder(
      trx,
      ctx,
      {
        store_id: storeId,
        member_id: memberId,
        lines: [{ name: '蛋糕', category: 'cake', unit_price_fen: fen, quantity: 1 }],
        ...(couponIds.length ? { coupon_ids: couponIds } : {}),
        tenders: [{ method: 'cash', amount_fen: fen - offFen }],
      },
      { method: 'none' },
    ),
  );
}

/** 满100减50, valid 30 days from issue. */
export const spend100save50 = (db: Db, ctx: Ctx, over: { total_stock?: number | null } = {}) =>
  db.transaction().execute((trx) =>
    createTemplate(trx, ctx, {
      name: '满100减50',
      benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 5_000 },
      validity: { mode: 'days_after_claim', days: 30 },
      usable_weekdays: null,
      usable_hours: null,
      scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
      stacking: { mode: 'exclusive' },
      total_stock: over.total_stock ?? null,
      per_member_limit: null,
    }),
  );

export const draft = (db: Db, ctx: Ctx, body: CampaignBody) =>
  db.transaction().execute((trx) => createCampaign(trx, ctx, body));

/** Launch request (enqueue is a no-op here) and, unless scheduled ahead, the run. */
export async function launch(db: Db, ctx: Ctx, id: string, options: LaunchRunOptions = {}) {
  const row = await db.transaction().execute((trx) => requestLaunch(trx, ctx, id, async () => {}));
  if (row.status === 'launching')
    await runCampaignLaunch(
      db,
      { merchantId: ctx.merchantId, campaignId: id },
      {
        now: () => ctx.now,
        ...options,
      },
    );
  return row;
}

export const outcomes = (db: Db, merchantId: string, campaignId: string) =>
  db
    .selectFrom('campaign_member')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('campaign_id', '=', campaignId)
    .orderBy('member_id')
    .execute();
