import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { auth, createTestMerchant, testConfig } from '../../../test/factories.ts';
import { csv, gbk, testDataDir } from '../../../test/fixtures/imports/import-helpers.ts';
import type { ImportJob } from '../../core/imports/import.schema.ts';
import type { Db } from '../../db/database.ts';
import { startBoss } from '../../jobs/boss.ts';
import { registerImportWorker } from '../../jobs/import.worker.ts';
import { type App, buildApp } from '../app.ts';

const dataDir = testDataDir();
const LIMIT = 256 * 1024;
let app: App;
let db: Db;
let boss: PgBoss;

beforeAll(async () => {
  const conn = await testDb();
  db = conn.db;
  const config = { ...testConfig(), dataDir, uploadLimitBytes: LIMIT };
  boss = await startBoss(conn.url, () => {});
  await registerImportWorker(boss, db, dataDir, { info: () => {}, error: () => {} });
  app = await buildApp({ db, config, boss });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await boss?.stop({ graceful: false, wait: true });
});

/** A multipart body by hand: the `file` part and, optionally, fields after it. */
function multipart(content: Buffer, name: string, fields: Record<string, string> = {}) {
  const boundary = '----regulars-test';
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from('\r\n'),
  ];
  for (const [key, value] of Object.entries(fields))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
      ),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function post(token: string, content: Buffer, name = 'members.csv', fields = {}) {
  const body = multipart(content, name, fields);
  return app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { ...auth(token), ...body.headers, 'accept-language': 'en' },
    payload: body.payload,
  });
}

async function waitFor(token: string, id: string, status: string): Promise<ImportJob> {
  for (let i = 0; i < 300; i++) {
    const res = await app.inject({ url: `/api/imports/${id}`, headers: auth(token) });
    const job = res.json() as ImportJob;
    if (job.status === status) return job;
    if (job.status === 'failed') throw new Error(`import failed: ${job.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} never reached ${status}`);
}

const FILE = csv([
  ['手机号', '姓名', '卡号', '余额', '赠送余额', '积分'],
  ['13800000001', '张三', '900001', '123.45', '0', '10'],
  ['13800000002', '李四', '900002', '1', '2', '3'],
  ['bad', '王五', '900003', '1', '', ''],
  ['13800000001', '', '900004', '0.05', '', '5'],
]);

const jobCount = async (merchantId: string) =>
  (await db.selectFrom('import_job').select('id').where('merchant_id', '=', merchantId).execute())
    .length;

describe('imports API', () => {
  it('upload → dry run → commit through the queue, with status, body and rows', async () => {
    const m = await createTestMerchant(db);
    const token = m.tokens.manager;
    const up = await post(token, gbk(FILE), '老会员.csv');
    expect(up.statusCode).toBe(201);
    const job = up.json() as ImportJob;
    expect(job).toMatchObject({
      status: 'uploaded',
      file_name: '老会员.csv',
      encoding: 'gb18030',
      format: 'csv',
      headers: ['手机号', '姓名', '卡号', '余额', '赠送余额', '积分'],
      mapping: { 手机号: 'phone', 余额: 'principal', 赠送余额: 'bonus', 积分: 'points' },
      sample_rows: [
        expect.arrayContaining(['张三']),
        expect.any(Array),
        expect.any(Array),
        expect.any(Array),
      ],
    });
    expect(existsSync(join(dataDir, 'uploads', job.id))).toBe(true);

    const early = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/commit`,
      headers: { ...auth(token), 'idempotency-key': `early-${job.id}` },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('import.state_invalid');

    const badMap = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/dry-run`,
      headers: auth(token),
      payload: { mapping: { 不存在: 'name' } },
    });
    expect(badMap.statusCode).toBe(400);
    expect(badMap.json().error).toMatchObject({
      code: 'import.mapping_invalid',
      field: 'mapping.不存在',
    });

    const dry = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/dry-run`,
      headers: auth(token),
      payload: { mapping: { 姓名: null } },
    });
    expect(dry.statusCode).toBe(202);
    expect(dry.json().status).toBe('dry_running');
    const report = await waitFor(token, job.id, 'dry_run_done');
    expect(report).toMatchObject({
      mapping: { 姓名: null },
      total_rows: 4,
      ok_rows: 3,
      bad_rows: 1,
      new_members: 2,
      duplicate_rows: 1,
      errors: [{ line: 4, column: '手机号', code: 'import.phone_invalid' }],
      duplicates: [{ line: 5, phone: '13800000001', kind: 'in_file' }],
    });
    expect(
      await db.selectFrom('member').select('id').where('merchant_id', '=', m.merchantId).execute(),
    ).toEqual([]);

    const key = { ...auth(token), 'idempotency-key': `commit-${job.id}` };
    const started = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/commit`,
      headers: key,
    });
    expect(started.statusCode).toBe(202);
    expect(started.json().status).toBe('committing');
    const replay = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/commit`,
      headers: key,
    });
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const done = await waitFor(token, job.id, 'done');
    expect(done).toMatchObject({
      processed_rows: 4,
      committed: { members_created: 2, identities_linked: 3, entries_posted: 5 },
    });
    expect(done.finished_at).not.toBeNull();
    const members = await db
      .selectFrom('member')
      .select(['id', 'phone', 'name', 'card_no'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('phone')
      .execute();
    // the name column was unmapped by the dry-run request
    expect(members.map((r) => [r.phone, r.name, r.card_no])).toEqual([
      ['+8613800000001', null, '900001'],
      ['+8613800000002', null, '900002'],
    ]);
    const balances = await db
      .selectFrom('ledger_balance')
      .select(['member_id', 'ledger', 'balance'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', members[0]!.id)
      .orderBy('ledger')
      .execute();
    expect(balances.map((b) => [b.ledger, b.balance])).toEqual([
      ['points', 15],
      ['principal', 12350],
    ]);
    const lookup = await app.inject({
      url: '/api/members/lookup?card_no=900004',
      headers: auth(token),
    });
    expect(lookup.json().id).toBe(members[0]!.id);

    const errors = await app.inject({
      url: `/api/imports/${job.id}/errors.csv`,
      headers: auth(token),
    });
    expect(errors.statusCode).toBe(200);
    expect(errors.headers['content-type']).toContain('text/csv');
    expect([...errors.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(errors.body.slice(1).trim().split('\n')).toHaveLength(2);
    expect(errors.body).toContain('行号,手机号,姓名,卡号,余额,赠送余额,积分,错误原因');
    expect(errors.body).toContain('4,bad,王五,900003');

    const list = await app.inject({ url: '/api/imports', headers: auth(token) });
    expect(list.json().map((j: ImportJob) => j.id)).toEqual([job.id]);
  });

  it('refuses files that are not a member table, with nothing written', async () => {
    const m = await createTestMerchant(db);
    const token = m.tokens.owner;
    const before = readdirSync(join(dataDir, 'uploads')).length;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const cases: [Buffer, Record<string, string>, number, string][] = [
      [png, {}, 400, 'import.file_type'],
      [Buffer.from('name,points\nA,1\n'), {}, 400, 'import.no_phone_column'],
      [Buffer.alloc(0), {}, 400, 'import.empty_file'],
      [Buffer.from(FILE), { encoding: 'big5' }, 400, 'import.encoding_invalid'],
      [Buffer.alloc(LIMIT + 1024, 'a'), {}, 413, 'request.too_large'],
    ];
    for (const [content, fields, status, code] of cases) {
      const res = await post(token, content, 'x.csv', fields);
      expect(res.statusCode, code).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect(await jobCount(m.merchantId)).toBe(0);
    expect(readdirSync(join(dataDir, 'uploads'))).toHaveLength(before);
  });

  it('needs imports.run, and another merchant’s job is a 404', async () => {
    const a = await createTestMerchant(db);
    const b = await createTestMerchant(db);
    const up = await post(a.tokens.owner, Buffer.from(FILE));
    const id = (up.json() as ImportJob).id;
    const cashier = await post(a.tokens.cashier, Buffer.from(FILE));
    expect(cashier.statusCode).toBe(403);
    for (const url of [`/api/imports/${id}`, `/api/imports/${id}/errors.csv`]) {
      const res = await app.inject({ url, headers: auth(b.tokens.owner) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('import.not_found');
    }
    const dry = await app.inject({
      method: 'POST',
      url: `/api/imports/${id}/dry-run`,
      headers: auth(b.tokens.owner),
      payload: {},
    });
    expect(dry.statusCode).toBe(404);
    const list = await app.inject({ url: '/api/imports', headers: auth(b.tokens.owner) });
    expect(list.json()).toEqual([]);
    expect(await jobCount(a.merchantId)).toBe(1);
    // the owner's own job: a dry run needs no body at all
    const own = await app.inject({
      method: 'POST',
      url: `/api/imports/${id}/dry-run`,
      headers: auth(a.tokens.owner),
    });
    expect(own.statusCode).toBe(202);
    expect((await waitFor(a.tokens.owner, id, 'dry_run_done')).ok_rows).toBe(3);
  });
});
