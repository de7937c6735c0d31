import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createTestMerchant } from '../../../test/factories.ts';
import {
  commit,
  csv,
  dryRun,
  merchantState,
  reload,
  testDataDir,
  upload,
} from '../../../test/fixtures/imports/import-helpers.ts';
import type { Ctx } from '../context.ts';
import { requestCommit, requestDryRun } from './import.service.ts';
import type { ImportJobRow } from './import.table.ts';
import { runImportJob } from './import-runner.ts';

const dataDir = testDataDir();

/** n rows, every 5th repeating an earlier phone (summed), every row with its own card. */
function file(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => {
    const phone = i % 5 === 4 ? 13500000000 + i - 3 : 13500000000 + i;
    return [
      String(phone),
      `会员${i}`,
      `C${100000 + i}`,
      `${i}.${i % 100}`,
      String(i % 3),
      String(i * 7),
      '2020-02-02 12:00',
    ];
  });
  return Buffer.from(
    csv([['手机号', '姓名', '卡号', '余额', '赠送金', '积分', '开卡时间'], ...rows]),
  );
}

const crash = (at: number) => async (batch: number) => {
  if (batch === at) throw new Error(`simulated crash at batch ${at}`);
};

/** The merchant's state without the instants of each run. */
async function comparable(merchantId: string) {
  const { db } = await testDb();
  const state = await merchantState(db, merchantId);
  return { ...state, members: state.members.map(({ updated_at: _u, ...rest }) => rest) };
}

async function noDoubles(merchantId: string) {
  const { db } = await testDb();
  const { rows } = await sql<{ doubles: number; mismatched: number }>`select
    (select count(*) from (select member_id, ledger from ledger_entry where merchant_id = ${merchantId}
      group by member_id, ledger having count(*) > 1) d)::int as doubles,
    (select count(*) from ledger_balance b where b.merchant_id = ${merchantId} and b.balance <>
      (select sum(amount) from ledger_entry e where e.merchant_id = b.merchant_id
        and e.member_id = b.member_id and e.ledger = b.ledger))::int as mismatched`.execute(db);
  return rows[0];
}

async function fresh(content: Buffer) {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('owner');
  const job = await upload(db, ctx, dataDir, content);
  return { db, m, ctx, job };
}

const run = (
  db: Awaited<ReturnType<typeof testDb>>['db'],
  ctx: Ctx,
  job: ImportJobRow,
  options = {},
) =>
  runImportJob(
    db,
    { merchantId: ctx.merchantId, jobId: job.id },
    { dataDir, batchSize: 4, ...options },
  );

describe('import after a crash', () => {
  it('a dry run and a commit interrupted between and inside batches end as a clean run does', async () => {
    const content = file(40);
    const clean = await fresh(content);
    await dryRun(clean.db, clean.ctx, clean.job, { dataDir, batchSize: 4 });
    const cleanDone = await commit(clean.db, clean.ctx, clean.job, { dataDir, batchSize: 4 });
    expect(cleanDone).toMatchObject({
      status: 'done',
      ok_rows: 40,
      new_members: 32,
      duplicate_rows: 8,
    });

    // crash between batches of the dry run, then of the commit
    const b = await fresh(content);
    await expect(
      dryRun(b.db, b.ctx, b.job, { dataDir, batchSize: 4, afterBatch: crash(3) }),
    ).rejects.toThrow('simulated crash');
    const halfStaged = await reload(b.db, b.job);
    expect(halfStaged).toMatchObject({ status: 'dry_running', staged_through_line: 13 });
    expect(await run(b.db, b.ctx, b.job)).toBe('ran');
    const staged = await reload(b.db, b.job);
    expect(staged).toMatchObject({
      status: 'dry_run_done',
      ok_rows: 40,
      new_members: 32,
      duplicate_rows: 8,
    });
    const cleanReport = (await reload(clean.db, clean.job)).report;
    expect(staged.report.duplicates).toEqual(cleanReport.duplicates);
    expect(staged.report.errors).toEqual(cleanReport.errors);
    await b.db.transaction().execute((trx) => requestCommit(trx, b.ctx, b.job.id, async () => {}));
    await expect(run(b.db, b.ctx, b.job, { afterBatch: crash(3) })).rejects.toThrow(
      'simulated crash',
    );
    expect(await reload(b.db, b.job)).toMatchObject({
      status: 'committing',
      committed_through_seq: 12,
    });
    expect(await run(b.db, b.ctx, b.job)).toBe('ran');
    expect(await reload(b.db, b.job)).toMatchObject({ status: 'done', processed_rows: 40 });

    // crash inside a commit batch: its writes roll back with it
    const c = await fresh(content);
    await dryRun(c.db, c.ctx, c.job, { dataDir, batchSize: 4 });
    await c.db.transaction().execute((trx) => requestCommit(trx, c.ctx, c.job.id, async () => {}));
    const inside = async (_trx: unknown, batch: number) => crash(5)(batch);
    await expect(run(c.db, c.ctx, c.job, { beforeBatchCommit: inside })).rejects.toThrow(
      'simulated crash',
    );
    expect(await reload(c.db, c.job)).toMatchObject({
      status: 'committing',
      committed_through_seq: 16,
    });
    expect(await run(c.db, c.ctx, c.job)).toBe('ran');

    const expected = await comparable(clean.m.merchantId);
    expect(expected.members).toHaveLength(32);
    expect(expected.ledgers.length).toBeGreaterThan(60);
    expect(await comparable(b.m.merchantId)).toEqual(expected);
    expect(await comparable(c.m.merchantId)).toEqual(expected);
    for (const merchant of [clean.m, b.m, c.m])
      expect(await noDoubles(merchant.merchantId)).toEqual({ doubles: 0, mismatched: 0 });
  });

  it('one runner per job: a second run of a running job does nothing', async () => {
    const { db, ctx, job } = await fresh(file(30));
    await db
      .transaction()
      .execute((trx) => requestDryRun(trx, ctx, job.id, undefined, async () => {}));
    let second: string | undefined;
    const first = await run(db, ctx, job, {
      afterBatch: async (batch: number) => {
        if (batch === 1) second = await run(db, ctx, job);
      },
    });
    expect([first, second]).toEqual(['ran', 'busy']);
  });

  it('a process killed in the middle of a commit resumes to the same state, no row twice', async () => {
    const content = file(400);
    const clean = await fresh(content);
    await dryRun(clean.db, clean.ctx, clean.job, { dataDir });
    await commit(clean.db, clean.ctx, clean.job, { dataDir });

    const k = await fresh(content);
    await dryRun(k.db, k.ctx, k.job, { dataDir });
    await k.db.transaction().execute((trx) => requestCommit(trx, k.ctx, k.job.id, async () => {}));
    const { url } = await testDb();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('test/fixtures/imports/run-import.ts'),
        url,
        k.m.merchantId,
        k.job.id,
        dataDir,
        '5',
      ],
      { stdio: 'inherit' },
    );
    const exited = new Promise((done) => child.on('exit', done));
    for (let i = 0; ; i++) {
      const job = await reload(k.db, k.job);
      if (job.committed_through_seq >= 60) break;
      if (i > 600) throw new Error('the child never reached the middle of the commit');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const killed = await reload(k.db, k.job);
    expect(killed.status).toBe('committing');
    expect(killed.committed_through_seq).toBeLessThan(320);
    // the dead runner's advisory lock went with its connection
    expect(await run(k.db, k.ctx, k.job, { batchSize: 50 })).toBe('ran');
    expect(await reload(k.db, k.job)).toMatchObject({ status: 'done', processed_rows: 400 });
    expect(await comparable(k.m.merchantId)).toEqual(await comparable(clean.m.merchantId));
    expect(await noDoubles(k.m.merchantId)).toEqual({ doubles: 0, mismatched: 0 });
  });
});
