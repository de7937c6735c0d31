import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import { type Connection, connect } from '../../src/db/connect.ts';
import { ensureDatabase } from '../../src/db/database-server.ts';
import { type EmbeddedServer, startEmbedded } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createMember, createTestMerchant, type TestMerchant } from '../factories.ts';
import { cash, recharge, walletInvariants } from '../wallet-support.ts';

// kill -9 of the server and of PostgreSQL during a checkout load: every acknowledged order is
// there with all its entries, every unacknowledged one is absent or complete, and a retry with
// the same Idempotency-Key completes it once. A cluster of this file's own (it is killed).
let pg: EmbeddedServer;
let conn: Connection;
let url: string;
let m: TestMerchant;
let storeId: string;
let memberId: string;
const dir = resolve(`.tmp/crash-pg-${process.pid}`);
const children: ChildProcess[] = [];

beforeAll(async () => {
  pg = await startEmbedded(dir, await freePort(), () => {});
  url = await ensureDatabase(pg.url, 'regulars');
  conn = connect(url, 5);
  await migrateToLatest(conn.db);
  m = await createTestMerchant(conn.db);
  const store = await conn.db
    .transaction()
    .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '一号店' }));
  storeId = store.id;
  memberId = (await createMember(conn.db, m.ctx())).id;
  await recharge(conn.db, m.ctx('cashier'), memberId, {
    amount_fen: 1_000_000,
    tenders: cash(1_000_000),
  });
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await conn?.db.destroy();
  await pg?.stop();
  rmSync(pg.dataDir, { recursive: true, force: true });
});

async function startApp(): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('bench/serve.ts')], {
    env: { ...process.env, BENCH_DATABASE_URL: url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && done());
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

const body = () => ({
  store_id: storeId,
  member_id: memberId,
  lines: [{ name: '拿铁', category: 'drinks', unit_price_fen: 1_500, quantity: 1 }],
  stored_value_fen: 1_000,
  tenders: [{ method: 'cash', amount_fen: 500 }],
});

async function commit(base: string, key: string) {
  const res = await fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${m.tokens.cashier}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body()),
  });
  return { status: res.status, json: (await res.json()) as { id: string } };
}

/** Fires `keys` 4 at a time and calls `crash` once `after` have been acknowledged. */
async function load(base: string, keys: string[], after: number, crash: () => void) {
  const acked = new Map<string, string>();
  let crashed = false;
  let i = 0;
  const worker = async () => {
    while (i < keys.length) {
      const key = keys[i++]!;
      try {
        const r = await commit(base, key);
        if (r.status === 201) acked.set(key, r.json.id);
      } catch {}
      if (!crashed && acked.size >= after) {
        crashed = true;
        crash();
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return acked;
}

/** Each key retried until it answers 201: the same order for an acknowledged one. */
async function settle(base: string, keys: string[], acked: Map<string, string>) {
  const deadline = Date.now() + 60_000;
  for (const key of keys) {
    for (;;) {
      const r = await commit(base, key).catch(() => null);
      if (r?.status === 201) {
        if (acked.has(key)) expect(r.json.id).toBe(acked.get(key));
        break;
      }
      if (Date.now() > deadline) throw new Error(`no answer for ${key}: ${r?.status}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

async function complete(keys: number) {
  const { rows } = await sql<{ orders: number; partial: number }>`
    select count(*)::int as orders,
      count(*) filter (where p.id is null or t.fen is distinct from o.tender_fen
        or p.principal_fen + p.bonus_fen <> o.principal_fen + o.bonus_fen
        or (o.points_earned > 0 and e.id is null))::int as partial
    from sale_order o
    left join wallet_payment p on p.merchant_id = o.merchant_id and p.id = o.wallet_payment_id
    left join lateral (select sum(amount_fen)::bigint as fen from tender t
      where t.merchant_id = o.merchant_id and t.ref_type = 'order' and t.ref_id = o.id) t on true
    left join points_earning e on e.merchant_id = o.merchant_id and e.order_ref = o.id::text
    where o.merchant_id = ${m.merchantId}`.execute(conn.db);
  expect(rows[0]).toEqual({ orders: keys, partial: 0 });
  expect(await walletInvariants(conn.db, m.merchantId)).toBe(0);
}

describe('checkout through crashes', () => {
  it('kill -9 of the server mid-load: acknowledged orders whole, retries complete once', async () => {
    const keys = Array.from({ length: 40 }, () => randomUUID());
    const first = await startApp();
    const acked = await load(first.base, keys, 10, () => first.child.kill('SIGKILL'));
    expect(acked.size).toBeGreaterThanOrEqual(10);
    expect(acked.size).toBeLessThan(keys.length);
    const second = await startApp();
    await settle(second.base, keys, acked);
    await complete(keys.length);
    second.child.kill('SIGTERM');
  }, 120_000);

  it('kill -9 of PostgreSQL mid-load: the same, once it is back', async () => {
    const before = await conn.db
      .selectFrom('sale_order')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    const keys = Array.from({ length: 40 }, () => randomUUID());
    const app = await startApp();
    const acked = await load(app.base, keys, 10, () => process.kill(postmasterPid(), 'SIGKILL'));
    expect(acked.size).toBeGreaterThanOrEqual(10);
    await settle(app.base, keys, acked);
    await complete(Number(before.n) + keys.length);
    app.child.kill('SIGTERM');
  }, 120_000);
});

function postmasterPid(): number {
  return Number(readFileSync(join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}
