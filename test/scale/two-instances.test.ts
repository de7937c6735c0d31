import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type PgBoss from 'pg-boss';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { requestCommit } from '../../src/core/imports/import.service.ts';
import { signMemberCode } from '../../src/core/members/member-code.ts';
import { type Connection, connect } from '../../src/db/connect.ts';
import { buildApp } from '../../src/http/app.ts';
import { startBoss } from '../../src/jobs/boss.ts';
import { registerWorkers } from '../../src/jobs/workers.ts';
import { testDb } from '../db.ts';
import { auth, createMember, createTestMerchant, testConfig } from '../factories.ts';
import { csv, dryRun, reload, testDataDir, upload } from '../fixtures/imports/import-helpers.ts';

// Two instances of the app on one database: each its own pool, its own process state, the
// same REGULARS_SECRET and data directory, as docs/scaling.md says they need.
const dataDir = testDataDir();
const config = { ...testConfig(), dataDir };
const opened: Connection[] = [];
let boss: PgBoss | undefined;

async function instance() {
  const conn = connect((await testDb()).url, 5);
  opened.push(conn);
  return { db: conn.db, app: await buildApp({ db: conn.db, config }) };
}

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  for (const conn of opened) await conn.db.destroy();
});

describe('two app instances on one database', () => {
  it('a member code minted for one instance verifies on the other (same secret)', async () => {
    const [a, b] = [await instance(), await instance()];
    const m = await createTestMerchant(a.db);
    const member = await createMember(a.db, m.ctx());
    const { code } = signMemberCode(member.id, m.merchantId, new Date(), config.secret);
    for (const { app } of [a, b]) {
      const res = await app.inject({
        url: `/api/members/lookup?code=${code}`,
        headers: auth(m.tokens.cashier),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(member.id);
    }
    // an instance with another secret cannot read it: the secret is what they must share
    const other = signMemberCode(member.id, m.merchantId, new Date(), `${config.secret}-other`);
    const refused = await b.app.inject({
      url: `/api/members/lookup?code=${other.code}`,
      headers: auth(m.tokens.cashier),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('member.code_invalid');
  });

  it('an import whose instance is killed mid-commit is finished by the other', async () => {
    const b = await instance();
    const m = await createTestMerchant(b.db);
    const ctx = m.ctx('owner');
    const rows = Array.from({ length: 300 }, (_, i) => [String(13600000000 + i), `会员${i}`]);
    const job = await upload(b.db, ctx, dataDir, Buffer.from(csv([['手机号', '姓名'], ...rows])));
    await dryRun(b.db, ctx, job, { dataDir });
    await b.db.transaction().execute((trx) => requestCommit(trx, ctx, job.id, async () => {}));

    // instance A runs the commit slowly in a process of its own, and dies in the middle
    const a = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('test/fixtures/imports/run-import.ts'),
        (await testDb()).url,
        m.merchantId,
        job.id,
        dataDir,
        '5',
      ],
      { stdio: 'inherit' },
    );
    const exited = new Promise((done) => a.on('exit', done));
    for (let i = 0; (await reload(b.db, job)).committed_through_seq < 40; i++) {
      if (i > 600) throw new Error('instance A never reached the middle of the commit');
      await new Promise((r) => setTimeout(r, 25));
    }
    a.kill('SIGKILL');
    await exited;
    expect(await reload(b.db, job)).toMatchObject({ status: 'committing' });

    // instance B starts its workers: it finds the interrupted import and finishes it
    boss = await startBoss((await testDb()).url, () => {});
    await registerWorkers(boss, b.db, config, pino({ level: 'silent' }));
    for (let i = 0; (await reload(b.db, job)).status !== 'done'; i++) {
      if (i > 600) throw new Error('instance B did not finish the import');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await reload(b.db, job)).toMatchObject({ status: 'done', processed_rows: 300 });
    const { count } = await b.db
      .selectFrom('member')
      .select((e) => e.fn.countAll<number>().as('count'))
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(300);
  });
});
