import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { auth, createMember, createTestMerchant, testConfig } from '../../../test/factories.ts';
import { csv, testDataDir } from '../../../test/fixtures/imports/import-helpers.ts';
import type { ImportJob } from '../../core/imports/import.schema.ts';
import { createStore } from '../../core/tenancy/store.service.ts';
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

function multipart(content: Buffer, fields: Record<string, string>) {
  const boundary = '----regulars-orders';
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(fields))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`,
      ),
    );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function waitFor(token: string, id: string, status: string): Promise<ImportJob> {
  for (let i = 0; i < 300; i++) {
    const job = (await app.inject({ url: `/api/imports/${id}`, headers: auth(token) })).json();
    if (job.status === status) return job as ImportJob;
    if (job.status === 'failed') throw new Error(`import failed: ${job.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} never reached ${status}`);
}

describe('order history import API', () => {
  it('upload kind=orders → dry run with row errors → commit; award is refused for members', async () => {
    const m = await createTestMerchant(db);
    const ctx = m.ctx('owner');
    await db.transaction().execute((trx) => createStore(trx, ctx, { code: 'S01', name: '总店' }));
    const member = await createMember(db, ctx);
    const token = m.tokens.manager;
    const file = Buffer.from(
      csv([
        ['订单号', '消费时间', '门店', '手机号', '金额'],
        ['H1', '2024-03-01 10:00', '总店', member.phone!, '19.90'],
        ['H2', '2024-03-02 10:00', 'S01', '13900001111', '5'],
      ]),
    );
    const bad = await app.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { ...auth(token), ...multipart(file, { kind: 'refunds' }).headers },
      payload: multipart(file, { kind: 'refunds' }).payload,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'request.invalid', field: 'kind' });

    const body = multipart(file, { kind: 'orders' });
    const up = await app.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { ...auth(token), ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode).toBe(201);
    const job = up.json() as ImportJob;
    expect(job).toMatchObject({ kind: 'orders', award: false, orders: null });

    const missing = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/dry-run`,
      headers: auth(token),
      payload: { mapping: { 门店: null } },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: 'import.order_column_missing',
      field: 'mapping',
    });
    const memberTarget = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/dry-run`,
      headers: auth(token),
      payload: { mapping: { 金额: 'principal' } },
    });
    expect(memberTarget.statusCode).toBe(400);
    expect(memberTarget.json().error.code).toBe('import.mapping_invalid');

    const dry = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/dry-run`,
      headers: auth(token),
      payload: {},
    });
    expect(dry.statusCode).toBe(202);
    const report = await waitFor(token, job.id, 'dry_run_done');
    expect(report).toMatchObject({
      ok_rows: 1,
      bad_rows: 1,
      errors: [{ line: 3, column: '手机号', code: 'import.member_unknown' }],
      orders: { orders: 1, lines: 1, existing_orders: 0, members: 1, amount_fen: 1990 },
    });
    expect(report.errors[0]!.message).toBe('找不到此手机号或卡号的会员');

    const started = await app.inject({
      method: 'POST',
      url: `/api/imports/${job.id}/commit`,
      headers: { ...auth(token), 'idempotency-key': `orders-${job.id}` },
    });
    expect(started.statusCode).toBe(202);
    const done = await waitFor(token, job.id, 'done');
    expect(done.committed).toMatchObject({ orders_created: 1, lines_created: 1 });
    const orders = await db
      .selectFrom('sale_order')
      .select(['external_id', 'member_id', 'due_fen', 'channel'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(orders).toEqual([
      { external_id: 'H1', member_id: member.id, due_fen: 1990, channel: 'history' },
    ]);

    const members = multipart(Buffer.from(csv([['手机号'], ['13800000000']])), {});
    const memberJob = (
      await app.inject({
        method: 'POST',
        url: '/api/imports',
        headers: { ...auth(token), ...members.headers },
        payload: members.payload,
      })
    ).json() as ImportJob;
    expect(memberJob.kind).toBe('members');
    const award = await app.inject({
      method: 'POST',
      url: `/api/imports/${memberJob.id}/dry-run`,
      headers: auth(token),
      payload: { award: true },
    });
    expect(award.statusCode).toBe(400);
    expect(award.json().error.field).toBe('award');
  });
});
