import { expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { campaignFunnel } from '../campaigns/campaign-report.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { seedDemo } from './demo.service.ts';

it('the demo comes with one finished campaign whose report shows a funnel and an uplift', async () => {
  const { db } = await testDb();
  const now = new Date();
  const demo = await seedDemo(db, now, 300, `-c${process.pid}`);
  const ctx = systemCtx(demo.merchantId, now);
  const campaign = await db
    .selectFrom('campaign')
    .selectAll()
    .where('merchant_id', '=', demo.merchantId)
    .executeTakeFirstOrThrow();
  expect(campaign.status).toBe('launched');
  const report = await campaignFunnel(db, ctx, campaign.id);
  expect(report.funnel.targeted).toBeGreaterThan(0);
  expect(report.funnel.issued).toBeGreaterThan(0);
  expect(report.funnel.control).toBeGreaterThan(0);
  expect(report.funnel.redeemed).toBeGreaterThanOrEqual(Math.min(14, report.funnel.issued));
  expect(report.funnel.revenue_fen).toBe(report.funnel.redeemed * (23_800 - 5_000));
  expect(report.uplift.revenue_per_member_diff_fen).not.toBeNull();
  expect(report.forecast?.basis).toBe('none');
}, 90_000);
