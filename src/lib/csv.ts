import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab / carriage return
 * at the start) is written as text behind a leading apostrophe: the OWASP rule for CSV
 * injection, applied to every CSV the system writes. A plain number (`-12.50`) is no formula and
 * stays as it is; the importer drops the apostrophe again (`unescapeFormula`), so a written file
 * can be fixed and uploaded back.
 */
export function escapeFormula(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (/^-?\d+(\.\d+)?$/.test(text)) return text;
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export const unescapeFormula = (text: string): string =>
  /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;

/** Rows (header first) as a CSV stream: UTF-8 with a BOM so Excel opens Chinese text, formulas escaped. */
export function csvStream(rows: Iterable<unknown[]> | AsyncIterable<unknown[]>): Readable {
  const out = stringify({ bom: true });
  (async () => {
    for await (const row of rows) {
      if (!out.write(row.map(escapeFormula))) await new Promise((r) => out.once('drain', r));
    }
    out.end();
  })().catch((e: unknown) => out.destroy(e as Error));
  return out;
}
