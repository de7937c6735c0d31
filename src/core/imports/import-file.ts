import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { unescapeFormula } from '../../lib/csv.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { ImportEncoding, ImportFormat } from './import.table.ts';

/** An uploaded file on disk, named by the id its import job will get. */
export interface StoredUpload {
  id: string;
  path: string;
  fileName: string;
  sha256: string;
  size: number;
}

export const uploadPath = (dataDir: string, jobId: string) => join(dataDir, 'uploads', jobId);

/** Streams an upload to `<dataDir>/uploads/<id>` while hashing it; a failed write leaves no file. */
export async function saveUpload(
  file: Readable,
  fileName: string,
  dataDir: string,
): Promise<StoredUpload> {
  const id = newId();
  const path = uploadPath(dataDir, id);
  await mkdir(join(dataDir, 'uploads'), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(file, tap, createWriteStream(path));
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
  return { id, path, fileName, sha256: hash.digest('hex'), size };
}

export const discardUpload = (upload: Pick<StoredUpload, 'path'>) =>
  rm(upload.path, { force: true });

const HEAD_BYTES = 64 * 1024;

export async function readHeadBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * By content, not by name: a zip is a candidate workbook (confirmed when it is read), text
 * without control bytes is a candidate CSV; anything else (xls, pdf, images, UTF-16) is refused.
 */
export function sniffFormat(head: Buffer): ImportFormat | undefined {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'xlsx';
  for (const byte of head) {
    if (byte === 0 || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d))
      return undefined;
  }
  return 'csv';
}

/**
 * Chinese Excel saves "CSV" in the system code page (GBK/GB18030); everything else writes UTF-8,
 * often with a BOM. Strict UTF-8 decoding of the head decides: GBK text is almost never valid
 * UTF-8. A multi-byte character cut at the end of the head is not an error (`stream: true`).
 */
export function detectEncoding(head: Buffer): ImportEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

/** Comma unless the first lines clearly use tabs or semicolons (European and TSV exports). */
export function detectDelimiter(text: string): string {
  const lines = text.split(/\r?\n/, 10);
  const most = (d: string) => Math.max(...lines.map((l) => l.split(d).length - 1));
  const counts = [',', '\t', ';'].map((d) => [d, most(d)] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

export interface TableSource {
  path: string;
  format: ImportFormat;
  encoding: ImportEncoding;
  delimiter: string | null;
}

export interface TableRow {
  /** the line (CSV) or row number (XLSX) a person sees when opening the file */
  line: number;
  values: string[];
}

/** Bytes of the file read so far, for progress while the row count is unknown. */
export interface ReadProgress {
  bytesRead: number;
}

/** Every non-blank row of the file, the header included, streamed: memory stays flat. */
export function readTable(source: TableSource, progress?: ReadProgress): AsyncGenerator<TableRow> {
  return source.format === 'csv' ? readCsv(source, progress) : readXlsx(source, progress);
}

const NEWLINES = /\r\n|\r|\n/g;

/** No member file needs more: a longer record or more columns is refused, a longer cell is cut. */
export const TABLE_LIMITS = { recordChars: 64 * 1024, columns: 200, cellChars: 1024 };

/**
 * A cell as stored and shown (samples, errors.csv): trimmed, cut to `cellChars`, and without the
 * apostrophe our own CSV writer puts before a formula, so a downloaded errors.csv reads back.
 */
function cells(record: readonly string[]): string[] {
  if (record.length > TABLE_LIMITS.columns) throw tooComplex();
  return record.map((v) => unescapeFormula(v.trim()).slice(0, TABLE_LIMITS.cellChars));
}

const tooComplex = () => new DomainError('import.file_too_complex', { field: 'file' });

async function* readCsv(source: TableSource, progress?: ReadProgress): AsyncGenerator<TableRow> {
  const file = createReadStream(source.path, { highWaterMark: 256 * 1024 });
  const parser = parse({
    delimiter: source.delimiter ?? ',',
    relax_quotes: true,
    relax_column_count: true,
    // blank lines come through as [''] so that line numbers can be counted here: csv-parse's
    // own count doubles CRLF inside quoted fields
    skip_empty_lines: false,
    max_record_size: TABLE_LIMITS.recordChars,
  });
  const rows = file.pipe(iconv.decodeStream(source.encoding)).pipe(parser);
  let line = 1;
  try {
    for await (const record of rows as AsyncIterable<string[]>) {
      const start = line;
      line += 1;
      for (const value of record) {
        if (value.includes('\n') || value.includes('\r'))
          line += value.match(NEWLINES)?.length ?? 0;
      }
      if (progress) progress.bytesRead = file.bytesRead;
      const values = cells(record);
      if (values.some((v) => v !== '')) yield { line: start, values };
    }
  } catch (e) {
    throw malformed(e, line);
  } finally {
    file.destroy();
  }
}

function malformed(e: unknown, line: number): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'CSV_MAX_RECORD_SIZE') return tooComplex();
  if (typeof code === 'string' && code.startsWith('CSV_'))
    return new DomainError('import.file_malformed', { params: { line, reason: code } });
  return e;
}

/** A cell as the text a person sees; dates as `YYYY-MM-DD[ HH:mm:ss]` wall clock. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    // exceljs gives an Excel wall clock as the same wall clock in UTC
    const iso = value.toISOString();
    const time = iso.slice(11, 19);
    return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value)
    return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in value) return String(value.text);
  return '';
}

async function* readXlsx(source: TableSource, progress?: ReadProgress): AsyncGenerator<TableRow> {
  const file = createReadStream(source.path);
  // shared strings must be cached: cells refer to them by index
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const sheet of workbook) {
      sheets += 1;
      for await (const row of sheet) {
        if (progress) progress.bytesRead = file.bytesRead;
        const raw = row.values as ExcelJS.CellValue[];
        const texts: string[] = [];
        for (let i = 1; i < raw.length; i++) texts.push(cellText(raw[i] ?? null));
        const values = cells(texts);
        if (values.some((v) => v !== '')) yield { line: row.number, values };
      }
      break; // the first worksheet is the table
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('import.file_type', { field: 'file' });
  } finally {
    file.destroy();
  }
  if (sheets === 0) throw new DomainError('import.file_type', { field: 'file' });
}
