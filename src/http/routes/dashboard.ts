import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import {
  CampaignsTile,
  CouponsTile,
  DashboardExportQuery,
  DashboardQuery,
  type DashboardRange,
  DistributionTile,
  KpiTile,
  PointsTile,
  SalesByDayTile,
  SalesByStoreTile,
  WalletTile,
} from '../../core/reports/dashboard.schema.ts';
import {
  exportDashboardTable,
  exportFileName,
} from '../../core/reports/dashboard-export.service.ts';
import {
  campaignsTile,
  lifecycleTile,
  rfmTile,
  tiersTile,
} from '../../core/reports/dashboard-members.service.ts';
import { resolveDashboardRange } from '../../core/reports/dashboard-range.service.ts';
import {
  kpiTile,
  salesByDayTile,
  salesByStoreTile,
} from '../../core/reports/dashboard-sales.service.ts';
import { couponsTile, pointsTile, walletTile } from '../../core/reports/dashboard-value.service.ts';
import type { Db } from '../../db/database.ts';
import { ErrorResponse } from '../../lib/schema.ts';

type Tile = (db: Db, ctx: Ctx, range: DashboardRange) => Promise<unknown>;

// One route per tile: the home page loads them in parallel and a slow tile holds up only itself.
const TILES: [path: string, summary: string, response: TSchema, tile: Tile][] = [
  [
    'kpis',
    'New, active and repurchasing members, orders, net sales, average order',
    KpiTile,
    kpiTile,
  ],
  [
    'sales-by-day',
    'Orders, net sales and buying members per local day',
    SalesByDayTile,
    salesByDayTile,
  ],
  [
    'sales-by-store',
    'Orders, net sales, buying members and average order per store',
    SalesByStoreTile,
    salesByStoreTile,
  ],
  [
    'wallet',
    'Recharges of the period and the stored value outstanding now',
    WalletTile,
    walletTile,
  ],
  [
    'points',
    'Points issued, spent and expired in the period, outstanding now',
    PointsTile,
    pointsTile,
  ],
  [
    'coupons',
    'Coupons issued in the period and redeemed since; coupon discount given',
    CouponsTile,
    couponsTile,
  ],
  ['campaigns', 'Campaign results: revenue, cost and ROI', CampaignsTile, campaignsTile],
  ['rfm', 'Members per RFM group (last recompute)', DistributionTile, rfmTile],
  ['lifecycle', 'Members per lifecycle stage (last recompute)', DistributionTile, lifecycleTile],
  ['tiers', 'Active members per tier', DistributionTile, tiersTile],
];

export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const [path, summary, response, tile] of TILES) {
    app.get(
      `/dashboard/${path}`,
      {
        config: { permission: 'reports.read' },
        schema: {
          tags: ['reports'],
          summary,
          description:
            "A store (optional) and a period of local days in the merchant's zone: from/to " +
            '(both, at most 366 days) or period today | week | month (default today). docs/reports.md',
          querystring: DashboardQuery,
          response: { 200: response, 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) =>
        tile(app.db, request.ctx, await resolveDashboardRange(app.db, request.ctx, request.query)),
    );
  }

  app.get(
    '/dashboard/export',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'One dashboard table as CSV (UTF-8 with BOM) or XLSX, formulas escaped',
        querystring: DashboardExportQuery,
      },
    },
    async (request, reply) => {
      const { table, format, ...filter } = request.query;
      const range = await resolveDashboardRange(app.db, request.ctx, filter);
      const file = await exportDashboardTable(app.db, request.ctx, range, table, format);
      return reply
        .header(
          'content-type',
          format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header(
          'content-disposition',
          `attachment; filename="${exportFileName(range, table, format)}"`,
        )
        .send(file);
    },
  );
};
