import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../../db/database.ts';
import { csvStream, escapeFormula } from '../../lib/csv.ts';
import type { Ctx } from '../context.ts';
import type { DashboardRange, DashboardTable } from './dashboard.schema.ts';
import { campaignsTile, lifecycleTile, rfmTile, tiersTile } from './dashboard-members.service.ts';
import { kpiTile, salesByDayTile, salesByStoreTile } from './dashboard-sales.service.ts';
import { couponsTile, pointsTile, walletTile } from './dashboard-value.service.ts';

type Cell = string | number | null;
/** A table: zh-CN and English column headers, then rows. */
interface Table {
  header: readonly (readonly [zh: string, en: string])[];
  rows: Cell[][];
}

const yuan = (fen: number | null) => (fen === null ? null : Number((fen / 100).toFixed(2)));
const percent = (bp: number | null) => (bp === null ? null : bp / 100);

const SALES: Table['header'] = [
  ['订单数', 'Orders'],
  ['净销售额（元）', 'Net sales (yuan)'],
  ['消费会员数', 'Buying members'],
];
const GROUP: Table['header'] = [
  ['分组', 'Group'],
  ['会员数', 'Members'],
];

/** Each dashboard table as rows, amounts in yuan, rates in percent: what the export writes. */
const TABLES: Record<DashboardTable, (db: Db, ctx: Ctx, range: DashboardRange) => Promise<Table>> =
  {
    kpis: async (db, ctx, range) => {
      const k = await kpiTile(db, ctx, range);
      return {
        header: [
          ['指标', 'Figure'],
          ['数值', 'Value'],
        ],
        rows: [
          ['新增会员 / New members', k.new_members],
          ['活跃会员 / Active members', k.active_members],
          ['复购会员 / Repurchasing members', k.repurchasers],
          ['复购率% / Repurchase rate %', percent(k.repurchase_rate_bp)],
          ['订单数 / Orders', k.orders],
          ['净销售额（元）/ Net sales', yuan(k.sales_fen)],
          ['客单价（元）/ Average order', yuan(k.aov_fen)],
          ['会员订单数 / Member orders', k.member_orders],
          ['会员销售额（元）/ Member sales', yuan(k.member_sales_fen)],
        ],
      };
    },
    sales_by_day: async (db, ctx, range) => ({
      header: [['日期', 'Date'], ...SALES],
      rows: (await salesByDayTile(db, ctx, range)).days.map((d) => [
        d.date,
        d.orders,
        yuan(d.sales_fen),
        d.members,
      ]),
    }),
    sales_by_store: async (db, ctx, range) => ({
      header: [['门店', 'Store'], ...SALES, ['客单价（元）', 'Average order (yuan)']],
      rows: (await salesByStoreTile(db, ctx, range)).stores.map((s) => [
        s.store_name,
        s.orders,
        yuan(s.sales_fen),
        s.members,
        yuan(s.aov_fen),
      ]),
    }),
    wallet: async (db, ctx, range) => {
      const w = await walletTile(db, ctx, range);
      return {
        header: [
          ['充值笔数', 'Recharges'],
          ['充值金额（元）', 'Recharged (yuan)'],
          ['赠送金（元）', 'Bonus given (yuan)'],
          ['未消费本金（元）', 'Outstanding principal (yuan)'],
          ['未消费赠送金（元）', 'Outstanding bonus (yuan)'],
        ],
        rows: [
          [
            w.recharges,
            yuan(w.recharge_fen),
            yuan(w.recharge_bonus_fen),
            yuan(w.outstanding_principal_fen),
            yuan(w.outstanding_bonus_fen),
          ],
        ],
      };
    },
    points: async (db, ctx, range) => {
      const p = await pointsTile(db, ctx, range);
      return {
        header: [
          ['发放积分', 'Issued'],
          ['消耗积分', 'Spent'],
          ['过期积分', 'Expired'],
          ['未使用积分（当前）', 'Outstanding now'],
        ],
        rows: [[p.issued, p.spent, p.expired, p.outstanding]],
      };
    },
    coupons: async (db, ctx, range) => ({
      header: [
        ['券模板', 'Coupon template'],
        ['发放', 'Issued'],
        ['已核销', 'Redeemed'],
      ],
      rows: (await couponsTile(db, ctx, range)).templates.map((t) => [
        t.name,
        t.issued,
        t.redeemed,
      ]),
    }),
    campaigns: async (db, ctx, range) => ({
      header: [
        ['活动', 'Campaign'],
        ['目标会员', 'Targeted'],
        ['已触达', 'Reached'],
        ['核销', 'Redeemed'],
        ['核销订单销售额（元）', 'Revenue on redeeming orders (yuan)'],
        ['优惠成本（元）', 'Discount cost (yuan)'],
        ['ROI', 'ROI'],
      ],
      rows: (await campaignsTile(db, ctx, range)).campaigns.map((c) => [
        c.name,
        c.targeted,
        c.issued,
        c.redeemed,
        yuan(c.revenue_fen),
        yuan(c.discount_fen),
        c.roi === null ? null : Number(c.roi.toFixed(2)),
      ]),
    }),
    rfm: async (db, ctx, range) => ({
      header: GROUP,
      rows: (await rfmTile(db, ctx, range)).groups.map((g) => [
        g.name ?? (ctx.locale === 'en' ? 'No order in the window' : '窗口内无订单'),
        g.members,
      ]),
    }),
    lifecycle: async (db, ctx, range) => ({
      header: GROUP,
      rows: (await lifecycleTile(db, ctx, range)).groups.map((g) => [g.name, g.members]),
    }),
    tiers: async (db, ctx, range) => ({
      header: GROUP,
      rows: (await tiersTile(db, ctx, range)).groups.map((g) => [
        g.name ?? (ctx.locale === 'en' ? 'No tier' : '无等级'),
        g.members,
      ]),
    }),
  };

/**
 * One dashboard table as a CSV (UTF-8 with BOM, formulas escaped, by the one CSV writer) or an
 * XLSX sheet; in the XLSX too a text cell that would read as a formula gets its apostrophe, so
 * the file says the same whichever way it is opened. Numbers stay numbers.
 */
export async function exportDashboardTable(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
  table: DashboardTable,
  format: 'csv' | 'xlsx',
): Promise<Readable> {
  const { header, rows } = await TABLES[table](db, ctx, range);
  const head = header.map(([zh, en]) => (ctx.locale === 'en' ? en : zh));
  if (format === 'csv') return csvStream([head, ...rows]);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(table);
  sheet.addRow(head).commit();
  for (const row of rows)
    sheet.addRow(row.map((v) => (typeof v === 'string' ? escapeFormula(v) : v))).commit();
  sheet.commit();
  workbook.commit().catch((e: unknown) => out.destroy(e as Error));
  return out;
}

export const exportFileName = (range: DashboardRange, table: DashboardTable, format: string) =>
  `dashboard-${table}-${range.from}_${range.to}.${format}`;
