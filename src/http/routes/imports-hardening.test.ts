import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDeflateRaw } from 'node:zlib';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { auth, createTestMerchant, testConfig } from '../../../test/factories.ts';
import { csv, testDataDir, xlsx } from '../../../test/fixtures/imports/import-helpers.ts';
import type { ImportJob } from '../../core/imports/import.schema.ts';
import type { Db } from '../../db/database.ts';
import { startBoss } from '../../jobs/boss.ts';
import { registerImportWorker } from '../../jobs/import.worker.ts';
import { type App, buildApp } from '../app.ts';

const dataDir = testDataDir();
let app: App;
let db: Db;
let boss: PgBoss;

beforeAll(async () => {
  const conn = await testDb();
  db = conn.db;
  boss = await startBoss(conn.url, () => {});
  await registerImportWorker(boss, db, dataDir, { info: () => {}, error: () => {} });
  app = await buildApp({ db, config: { ...testConfig(), dataDir }, boss });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await boss?.stop({ graceful: false, wait: true });
});

function multipart(content: Buffer, name: string) {
  const boundary = '----regulars-hardening';
  return {
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const post = (token: string, content: Buffer, name: string) => {
  const body = multipart(content, name);
  return app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { ...auth(token), ...body.headers },
    payload: body.payload,
  });
};

async function dryRun(token: string, id: string): Promise<ImportJob> {
  await app.inject({
    method: 'POST',
    url: `/api/imports/${id}/dry-run`,
    headers: auth(token),
    payload: {},
  });
  for (let i = 0; i < 300; i++) {
    const job = (await app.inject({ url: `/api/imports/${id}`, headers: auth(token) })).json();
    if (job.status === 'dry_run_done') return job as ImportJob;
    if (job.status === 'failed') throw new Error(job.error);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('dry run never finished');
}

/** Deflates `size` bytes of `fill` (between `before` and `after`) chunk by chunk: memory stays small. */
async function deflated(before: string, fill: number, size: number, after: string) {
  const out: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (c: Buffer) => out.push(c));
  const chunk = Buffer.alloc(1024 * 1024, fill);
  deflate.write(before);
  for (let i = 0; i < size / chunk.length; i++)
    if (!deflate.write(chunk)) await once(deflate, 'drain');
  deflate.end(after);
  await once(deflate, 'end');
  return { data: Buffer.concat(out), size: before.length + size + after.length };
}

/** A zip by hand (stored CRC 0, nobody gets far enough to check it); `declare` may lie. */
function zip(parts: { name: string; data: Buffer; size: number; declare?: number }[]) {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = p.declare ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(p.data.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, p.data);
    central.push(entry, name);
    offset += 30 + name.length + p.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const small = async (name: string, text: string) => ({
  name,
  ...(await deflated(text, 0x20, 0, '')),
});

async function workbookBomb(part: 'sheet' | 'sharedStrings', lie: boolean) {
  const MB300 = 300 * 1024 * 1024;
  const sheetHead =
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>';
  const sheetTail = '</t></is></c></row></sheetData></worksheet>';
  const bomb =
    part === 'sheet'
      ? { name: 'xl/worksheets/sheet1.xml', ...(await deflated(sheetHead, 0x41, MB300, sheetTail)) }
      : {
          name: 'xl/sharedStrings.xml',
          ...(await deflated('<sst><si><t>', 0x41, MB300, '</t></si></sst>')),
        };
  return zip([
    await small('[Content_Types].xml', '<Types/>'),
    await small(
      'xl/workbook.xml',
      '<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>',
    ),
    { ...bomb, ...(lie ? { declare: 4096 } : {}) },
  ]);
}

describe('upload limits (issue 7 §1.10)', () => {
  it('refuses a zip bomb as 400 import.file_too_complex with memory flat, and keeps no file', async () => {
    const m = await createTestMerchant(db);
    const uploads = join(dataDir, 'uploads');
    const bombs = [
      await workbookBomb('sheet', false),
      await workbookBomb('sheet', true),
      await workbookBomb('sharedStrings', false),
      await workbookBomb('sharedStrings', true),
    ];
    for (const bomb of bombs) expect(bomb.length).toBeLessThan(1024 * 1024);
    const rss = process.memoryUsage().rss;
    for (const bomb of bombs) {
      const res = await post(m.tokens.owner, bomb, 'bomb.xlsx');
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'import.file_too_complex', field: 'file' });
    }
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
    expect(readdirSync(uploads).length).toBe(0);
    const jobs = await db
      .selectFrom('import_job')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(jobs).toHaveLength(0);
  }, 120_000);

  it('refuses an over-long CSV record, and cuts a long cell in what it stores and returns', async () => {
    const m = await createTestMerchant(db);
    const huge = csv([
      ['手机号', '姓名'],
      ['13800000001', 'x'.repeat(100_000)],
    ]);
    const refused = await post(m.tokens.owner, Buffer.from(huge), 'huge.csv');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('import.file_too_complex');

    const long = csv([
      ['手机号', '姓名', '备注'],
      ['13800000001', '张三', 'y'.repeat(20_000)],
    ]);
    const up = await post(m.tokens.owner, Buffer.from(long), 'long.csv');
    expect(up.statusCode).toBe(201);
    const job = up.json() as ImportJob;
    expect(job.sample_rows[0]![2]).toHaveLength(1024);
    const row = await db
      .selectFrom('import_job')
      .select('sample_rows')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.sample_rows).length).toBeLessThan(2000);
  });

  it('still reads a real workbook', async () => {
    const m = await createTestMerchant(db);
    const file = await xlsx([
      ['手机号', '姓名'],
      ['13800000001', '张三'],
    ]);
    const up = await post(m.tokens.owner, file, 'ok.xlsx');
    expect(up.statusCode).toBe(201);
    expect(up.json().sample_rows).toEqual([['13800000001', '张三']]);
  });
});

describe('errors.csv and line numbers (issue 7 §1.11, §1.15)', () => {
  it('keeps every bad row’s line in the API and the CSV, and escapes formulas', async () => {
    const m = await createTestMerchant(db);
    const token = m.tokens.owner;
    const rows: string[][] = [['手机号', '姓名', '积分']];
    for (let i = 0; i < 150; i++) rows.push([`bad${i}`, `=HYPERLINK("http://x/${i}","a")`, '1']);
    rows.push(['+cmd|/C calc!A0', '@SUM(A1:A2)', '-1+2']);
    rows.push(['13800000001', '张三', '-5']);
    const up = await post(token, Buffer.from(csv(rows)), 'bad.csv');
    expect(up.statusCode).toBe(201);
    const job = await dryRun(token, (up.json() as ImportJob).id);
    expect(job.bad_rows).toBe(152);
    expect(job.errors).toHaveLength(100);

    const lines: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await app.inject({
        url: `/api/imports/${job.id}/errors?limit=40${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth(token),
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: { line: number }[]; next_cursor: string | null };
      lines.push(...body.items.map((e) => e.line));
      cursor = body.next_cursor;
    } while (cursor);
    expect([...new Set(lines)]).toEqual(Array.from({ length: 152 }, (_, i) => i + 2));
    const bad = await app.inject({
      url: `/api/imports/${job.id}/errors?cursor=nope`,
      headers: auth(token),
    });
    expect(bad.statusCode).toBe(400);

    const file = await app.inject({
      url: `/api/imports/${job.id}/errors.csv`,
      headers: auth(token),
    });
    const body = file.body.replace(/^\uFEFF/, '');
    const csvLines = body.trim().split(/\r?\n/);
    expect(csvLines[0]).toBe('行号,手机号,姓名,积分,错误原因');
    expect(csvLines).toHaveLength(153);
    expect(csvLines[1]).toMatch(/^2,bad0,"'=HYPERLINK\(""http:\/\/x\/0"",""a""\)",1,/);
    expect(csvLines[152]).toMatch(/^153,13800000001,张三,-5,/);
    expect(csvLines[151]).toMatch(/^152,'\+cmd\|\/C calc!A0,'@SUM\(A1:A2\),'-1\+2,/);
    for (const line of csvLines.slice(1)) expect(line).not.toMatch(/(^|,)"?[=+@]/);
  }, 60_000);
});
