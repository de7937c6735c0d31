import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../../db/database.ts';
import { csvStream } from '../../lib/csv.ts';
import { displayPhone } from '../../lib/phone.ts';
import type { Ctx } from '../context.ts';
import { presentMember } from './member.rules.ts';
import type { ListMembersQuery } from './member.schema.ts';
import { listMembers } from './member-query.service.ts';

async function* withHeader(header: string[], rows: AsyncIterable<unknown[]>) {
  yield header;
  yield* rows;
}

export type ExportFormat = 'csv' | 'xlsx';

const COLUMNS = [
  ['card_no', '卡号'],
  ['phone', '手机号'],
  ['name', '姓名'],
  ['gender', '性别'],
  ['birthday', '生日'],
  ['source_channel', '来源渠道'],
  ['home_store_id', '门店'],
  ['marketing_consent', '营销同意'],
  ['registered_at', '注册时间'],
] as const;

/** Members page by page (keyset), so an export of a million rows holds one page in memory. */
async function* exportRows(db: Db, ctx: Ctx, filter: ListMembersQuery, canSeePii: boolean) {
  let cursor: string | undefined;
  do {
    const page = await listMembers(db, ctx, {
      ...filter,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.items) {
      const m = presentMember(row, canSeePii);
      yield [
        m.card_no,
        m.phone && canSeePii ? displayPhone(m.phone) : m.phone,
        m.name,
        m.gender,
        m.birthday,
        m.source_channel,
        m.home_store_id,
        m.marketing_consent ? 'Y' : 'N',
        m.registered_at.toISOString(),
      ];
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/**
 * A stream of the export file. CSV goes through the one CSV writer (BOM, formulas escaped); XLSX
 * cells are written as strings, which a spreadsheet never evaluates.
 */
export function exportMembers(
  db: Db,
  ctx: Ctx,
  format: ExportFormat,
  filter: ListMembersQuery,
  canSeePii: boolean,
): Readable {
  const header = COLUMNS.map(([, zh]) => zh);
  const rows = exportRows(db, ctx, filter, canSeePii);
  if (format === 'csv') {
    return csvStream(withHeader(header, rows));
  }
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('members');
  sheet.addRow(header).commit();
  (async () => {
    for await (const row of rows)
      sheet.addRow(row.map((v) => (v === null ? null : String(v)))).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((e: unknown) => out.destroy(e as Error));
  return out;
}
