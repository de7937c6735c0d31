import type { Trx } from '../../db/database.ts';
import { createCategory } from '../catalogue/category.service.ts';
import { createProduct } from '../catalogue/product.service.ts';
import { priceOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { updateCheckoutSetting } from '../orders/checkout-setting.service.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { loadPricing } from '../orders/order-pricing.service.ts';

/** The points rules' category codes, so what the till sells earns at the rules' rates. */
const CATEGORIES = [
  { code: '蛋糕', name: '蛋糕' },
  { code: '面包', name: '面包' },
  { code: '饮品', name: '饮品' },
];

/** Sold in every store; barcodes are EAN-13 with a valid check digit (690 = China). */
const PRODUCTS = [
  {
    name: '黑森林蛋糕',
    category_code: '蛋糕',
    skus: [
      { spec: '6 寸', price_fen: 16_800, barcode: '6901234000016' },
      { spec: '8 寸', price_fen: 23_800, barcode: '6901234000023' },
    ],
  },
  {
    name: '草莓奶油切块',
    category_code: '蛋糕',
    skus: [{ price_fen: 2800, barcode: '6901234000030' }],
  },
  {
    name: '招牌肉松小贝',
    category_code: '面包',
    skus: [{ price_fen: 1200, barcode: '6901234000115' }],
  },
  {
    name: '全麦吐司',
    category_code: '面包',
    skus: [{ price_fen: 1800, barcode: '6901234000122' }],
  },
  {
    name: '法式长棍',
    category_code: '面包',
    skus: [{ price_fen: 1500, barcode: '6901234000139' }],
  },
  {
    name: '美式咖啡',
    category_code: '饮品',
    skus: [
      { spec: '中杯', price_fen: 1800, barcode: '6901234000214' },
      { spec: '大杯', price_fen: 2200, barcode: '6901234000221' },
    ],
  },
  {
    name: '鲜榨橙汁',
    category_code: '饮品',
    skus: [{ price_fen: 2000, barcode: '6901234000238' }],
  },
];

/**
 * What the till needs on the first start: the catalogue under the points rules' categories, and
 * points paying at 100 points = ¥1 for at most half of an order. Returns the SKU ids by barcode.
 */
export async function seedDemoTill(trx: Trx, ctx: Ctx): Promise<Map<string, string>> {
  for (const category of CATEGORIES) await createCategory(trx, ctx, category);
  const skuIds = new Map<string, string>();
  for (const product of PRODUCTS) {
    const created = await createProduct(trx, ctx, product);
    for (const sku of created.skus) if (sku.barcode) skuIds.set(sku.barcode, sku.id);
  }
  await updateCheckoutSetting(trx, ctx, {
    points_per_unit: 100,
    fen_per_unit: 100,
    max_share_bp: 5000,
  });
  return skuIds;
}

/** A few days of sales, by barcode and quantity, for the longest-standing members. */
const ORDERS: { daysAgo: number; lines: [barcode: string, quantity: number][] }[] = [
  { daysAgo: 20, lines: [['6901234000023', 1]] },
  {
    daysAgo: 12,
    lines: [
      ['6901234000115', 4],
      ['6901234000214', 2],
    ],
  },
  {
    daysAgo: 9,
    lines: [
      ['6901234000122', 1],
      ['6901234000139', 2],
    ],
  },
  {
    daysAgo: 5,
    lines: [
      ['6901234000016', 1],
      ['6901234000238', 1],
    ],
  },
  {
    daysAgo: 3,
    lines: [
      ['6901234000030', 2],
      ['6901234000221', 1],
    ],
  },
  { daysAgo: 1, lines: [['6901234000115', 6]] },
];

/**
 * Commits the demo orders through the till's own commit (one member each, paid in cash at the
 * store it names), so their points, growth and tiers come from real sales. Each order is dated
 * `daysAgo` before `ctx.now`, never before its member registered.
 */
export async function seedDemoOrders(
  trx: Trx,
  ctx: Ctx,
  skuIds: Map<string, string>,
  storeIds: readonly string[],
): Promise<number> {
  const members = await trx
    .selectFrom('member')
    .select(['id', 'registered_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('registered_at')
    .orderBy('id')
    .limit(ORDERS.length)
    .execute();
  let committed = 0;
  for (const [i, member] of members.entries()) {
    const order = ORDERS[i]!;
    const at = Math.max(
      ctx.now.getTime() - order.daysAgo * 86_400_000,
      Math.min(ctx.now.getTime(), member.registered_at.getTime() + 3_600_000),
    );
    const orderCtx: Ctx = { ...ctx, now: new Date(at) };
    const sale = {
      store_id: storeIds[i % storeIds.length]!,
      member_id: member.id,
      lines: order.lines.map(([barcode, quantity]) => ({ sku_id: skuIds.get(barcode)!, quantity })),
    };
    const priced = priceOrder((await loadPricing(trx, orderCtx, sale)).input, orderCtx.now);
    const tenders = [{ method: 'cash' as const, amount_fen: priced.tender_fen }];
    await commitOrder(trx, orderCtx, { ...sale, tenders }, { method: 'none' });
    committed++;
  }
  return committed;
}
