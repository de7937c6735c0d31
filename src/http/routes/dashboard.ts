import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import {
  CampaignsTile,
  CouponsTile,
  DashboardExportQuery,
  DashboardQuery,
  type DashboardRange,
  type DashboardTable,
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

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Tile = (db: Db, ctx: Ctx, range: DashboardRange) => Promise<unknown>;

// One route per tile (and one for its table's export): the home page loads them in parallel and
// a slow tile holds up only itself.
const TILES: [table: DashboardTable, summary: string, response: TSchema, tile: Tile][] = [
  [
    'kpis',
    'New, active and repurchasing members, orders, net sales, average order',
    KpiTile,
    kpiTile,
  ],
  [
    'sales_by_day',
    'Orders, net sales and buying members per local day',
    SalesByDayTile,
    salesByDayTile,
  ],
  [
    'sales_by_store',
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
  for (const [table, summary, response, tile] of TILES) {
    const path = table.replaceAll('_', '-');
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
    app.get(
      `/dashboard/${path}/export`,
      {
        config: { permission: 'reports.read' },
        schema: {
          tags: ['reports'],
          summary: `${summary}: the table as CSV (UTF-8 with BOM) or XLSX, formulas escaped`,
          querystring: DashboardExportQuery,
        },
      },
      async (request, reply) => {
        const { format = 'csv', ...filter } = request.query;
        const range = await resolveDashboardRange(app.db, request.ctx, filter);
        const file = await exportDashboardTable(app.db, request.ctx, range, table, format);
        return reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
          .header(
            'content-disposition',
            `attachment; filename="${exportFileName(range, table, format)}"`,
          )
          .send(file);
      },
    );
  }
};
