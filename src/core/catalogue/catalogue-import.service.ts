import iconv from 'iconv-lite';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError, errorMessage } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import {
  detectDelimiter,
  detectEncoding,
  discardUpload,
  readHeadBytes,
  readTable,
  type StoredUpload,
  sniffFormat,
  type TableRow,
} from '../imports/import-file.ts';
import { checkWorkbook } from '../imports/import-zip-guard.ts';
import {
  type ImportedSku,
  isProblem,
  mapColumns,
  parseRow,
  type RowProblem,
} from './catalogue-import.rules.ts';
import { listCategories } from './category.service.ts';
import { addSku, createProduct } from './product.service.ts';

/** A catalogue file is read whole into one transaction: a shop's catalogue, not a warehouse. */
const MAX_ROWS = 5000;

export interface CatalogueImportResult {
  products_created: number;
  skus_created: number;
  errors: { line: number; field: string; code: string; message: string }[];
}

/**
 * Products and SKUs from a CSV or XLSX file (the member import's file reading: format sniffed by
 * content, GBK or UTF-8, zip bomb guard), one row per SKU; rows with the same product name and
 * category are one product, added to an existing one of that name. A bad row is reported with
 * its line and skipped; the good rows are written in one transaction.
 */
export async function importCatalogue(
  db: Db,
  ctx: Ctx,
  upload: StoredUpload,
): Promise<CatalogueImportResult> {
  try {
    const rows = await readRows(upload);
    const [header, ...data] = rows;
    if (!header) throw new DomainError('import.empty_file', { field: 'file' });
    const { index, missing } = mapColumns(header.values);
    if (missing.length > 0)
      throw new DomainError('catalogue.import_columns_missing', {
        field: 'file',
        params: { missing },
      });
    const parsed = data.map((r) => parseRow(r.line, r.values, index));
    const problems = parsed.filter(isProblem);
    const skus = dropRepeatedBarcodes(
      parsed.filter((r) => !isProblem(r)) as ImportedSku[],
      problems,
    );
    const counts = await db.transaction().execute((trx) => writeSkus(trx, ctx, skus, problems));
    problems.sort((a, b) => a.line - b.line);
    return {
      ...counts,
      errors: problems.map((p) => ({ ...p, message: errorMessage(p.code, ctx.locale) })),
    };
  } finally {
    await discardUpload(upload);
  }
}

async function readRows(upload: StoredUpload): Promise<TableRow[]> {
  const head = await readHeadBytes(upload.path);
  if (head.length === 0) throw new DomainError('import.empty_file', { field: 'file' });
  const format = sniffFormat(head);
  if (!format) throw new DomainError('import.file_type', { field: 'file' });
  if (format === 'xlsx') await checkWorkbook(upload.path);
  const encoding = format === 'xlsx' ? 'utf8' : detectEncoding(head);
  const text = iconv.decode(head, encoding).replace(/^\uFEFF/, '');
  const delimiter = format === 'csv' ? detectDelimiter(text) : null;
  const rows: TableRow[] = [];
  for await (const row of readTable({ path: upload.path, format, encoding, delimiter })) {
    rows.push(row);
    if (rows.length > MAX_ROWS + 1) throw new DomainError('request.too_large', { field: 'file' });
  }
  return rows;
}

function dropRepeatedBarcodes(skus: ImportedSku[], problems: RowProblem[]): ImportedSku[] {
  const seen = new Set<string>();
  return skus.filter((s) => {
    if (s.barcode === null) return true;
    if (seen.has(s.barcode)) {
      problems.push({ line: s.line, field: 'barcode', code: 'catalogue.import_barcode_repeated' });
      return false;
    }
    seen.add(s.barcode);
    return true;
  });
}

async function writeSkus(trx: Trx, ctx: Ctx, skus: ImportedSku[], problems: RowProblem[]) {
  const categories = new Set((await listCategories(trx, ctx)).map((c) => c.code));
  const barcodes = skus.flatMap((s) => (s.barcode ? [s.barcode] : []));
  const taken = new Set(
    barcodes.length
      ? (
          await trx
            .selectFrom('sku')
            .select('barcode')
            .where('merchant_id', '=', ctx.merchantId)
            .where('barcode', 'in', barcodes)
            .execute()
        ).map((r) => r.barcode)
      : [],
  );
  const groups = new Map<string, ImportedSku[]>();
  for (const s of skus) {
    if (!categories.has(s.category)) {
      problems.push({ line: s.line, field: 'category', code: 'catalogue.category_not_found' });
    } else if (s.barcode && taken.has(s.barcode)) {
      problems.push({ line: s.line, field: 'barcode', code: 'catalogue.barcode_taken' });
    } else {
      const key = JSON.stringify([s.name, s.category]);
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
  }
  let products_created = 0;
  let skus_created = 0;
  for (const group of groups.values()) {
    const first = group[0]!;
    const skuBodies = group.map((s) => ({
      spec: s.spec,
      price_fen: s.price_fen,
      barcode: s.barcode,
    }));
    const existing = await trx
      .selectFrom('product')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('name', '=', first.name)
      .where('category_code', '=', first.category)
      .executeTakeFirst();
    if (existing) {
      for (const body of skuBodies) await addSku(trx, ctx, existing.id, body);
    } else {
      await createProduct(trx, ctx, {
        name: first.name,
        category_code: first.category,
        ...(first.tier_discountable !== undefined
          ? { tier_discountable: first.tier_discountable }
          : {}),
        skus: skuBodies,
      });
      products_created += 1;
    }
    skus_created += group.length;
  }
  return { products_created, skus_created };
}
