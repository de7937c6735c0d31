import type { ErrorCode } from '../../lib/error-codes.ts';
import { parseFen } from '../imports/import.rules.ts';

export type ImportColumn = 'name' | 'category' | 'spec' | 'price' | 'barcode' | 'tier_discountable';

/** Header words (zh-CN and English) per column, compared after `normalizeHeader`. */
const HEADERS: Record<ImportColumn, readonly string[]> = {
  name: ['商品名称', '商品', '名称', '品名', 'name', 'product', 'productname'],
  category: ['分类编码', '分类', '类别', 'category', 'categorycode', 'category_code'],
  spec: ['规格', 'spec', 'specification'],
  price: ['价格', '售价', '单价', '零售价', 'price', 'priceyuan', 'price_yuan'],
  barcode: ['条码', '条形码', 'barcode', 'ean'],
  tier_discountable: ['会员折扣', '参与会员折扣', 'tierdiscountable', 'tier_discountable'],
};
const REQUIRED: readonly ImportColumn[] = ['name', 'category', 'price'];

/** `价格（元）` → `价格`, `Price (yuan)` → `price`: the unit in brackets and spaces go. */
export const normalizeHeader = (h: string) =>
  h
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();

/** Column index per field; a missing required column is named in `missing`. */
export function mapColumns(headers: readonly string[]) {
  const normalized = headers.map(normalizeHeader);
  const index: Partial<Record<ImportColumn, number>> = {};
  for (const [column, words] of Object.entries(HEADERS) as [ImportColumn, readonly string[]][]) {
    const at = normalized.findIndex((h) => words.includes(h));
    if (at >= 0) index[column] = at;
  }
  return { index, missing: REQUIRED.filter((c) => index[c] === undefined) };
}

export interface ImportedSku {
  line: number;
  name: string;
  category: string;
  spec: string;
  price_fen: number;
  barcode: string | null;
  tier_discountable: boolean | undefined;
}

export interface RowProblem {
  line: number;
  field: ImportColumn;
  code: ErrorCode;
}

const YES = ['是', 'y', 'yes', 'true', '1'];
const NO = ['否', 'n', 'no', 'false', '0'];

/** One file row as a SKU, or the first problem found in it. */
export function parseRow(
  line: number,
  values: readonly string[],
  index: Partial<Record<ImportColumn, number>>,
): ImportedSku | RowProblem {
  const cell = (c: ImportColumn) => (index[c] === undefined ? '' : (values[index[c]] ?? '').trim());
  const name = cell('name');
  if (!name || name.length > 100)
    return { line, field: 'name', code: 'catalogue.import_name_missing' };
  const category = cell('category');
  if (!category || category.length > 64 || /\s/.test(category))
    return { line, field: 'category', code: 'catalogue.category_not_found' };
  const price = parseFen(cell('price'));
  if (price === null || price === 'invalid' || price > 100_000_000)
    return { line, field: 'price', code: 'catalogue.import_price_invalid' };
  const barcode = cell('barcode');
  if (/\s/.test(barcode) || barcode.length > 64)
    return { line, field: 'barcode', code: 'catalogue.import_barcode_invalid' };
  const flag = cell('tier_discountable').toLowerCase();
  if (flag && !YES.includes(flag) && !NO.includes(flag))
    return { line, field: 'tier_discountable', code: 'catalogue.import_flag_invalid' };
  return {
    line,
    name,
    category,
    spec: cell('spec').slice(0, 100),
    price_fen: price,
    barcode: barcode || null,
    tier_discountable: flag ? YES.includes(flag) : undefined,
  };
}

export const isProblem = (r: ImportedSku | RowProblem): r is RowProblem => 'code' in r;
