import { chmodSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testConfig } from '../../test/factories.ts';
import { type App, buildApp } from '../http/app.ts';
import { type Connection, connect } from './connect.ts';
import { ensureDatabase } from './database-server.ts';
import { type EmbeddedServer, startEmbedded } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';

// A cluster of this file's own: killing the shared test cluster would fail every other file.
let server: EmbeddedServer;
let conn: Connection;
let app: App;
const dir = resolve(`.tmp/restart-pg-${process.pid}`);

beforeAll(async () => {
  server = await startEmbedded(dir, await freePort(), () => {});
  conn = connect(await ensureDatabase(server.url, 'regulars'), 5);
  await migrateToLatest(conn.db);
  app = await buildApp({ db: conn.db, config: testConfig() });
});

afterAll(async () => {
  await app?.close();
  await conn?.db.destroy();
  await server?.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('has a generated password, stored 0600, and refuses the old default', async () => {
    const password = decodeURIComponent(new URL(server.url).password);
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    const file = join(server.dataDir, 'regulars.password');
    expect(readFileSync(file, 'utf8').trim()).toBe(password);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(loginWith('regulars')).rejects.toMatchObject({ code: '28P01' });
  });

  it('gives a cluster from before generated passwords (default password, none stored) its own', async () => {
    await conn.pool.query(`alter user regulars password 'regulars'`);
    rmSync(join(server.dataDir, 'regulars.password'));
    await app.close();
    await conn.db.destroy();
    await server.stop();
    server = await startEmbedded(dir, Number(new URL(server.url).port), () => {});
    conn = connect(await ensureDatabase(server.url, 'regulars'), 5);
    app = await buildApp({ db: conn.db, config: testConfig() });
    const password = decodeURIComponent(new URL(server.url).password);
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(readFileSync(join(server.dataDir, 'regulars.password'), 'utf8')).toBe(password);
    await expect(loginWith('regulars')).rejects.toMatchObject({ code: '28P01' });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
  });

  it('survives kill -9 of the postmaster: 503 service.unavailable meanwhile, then recovers', async () => {
    const { tokens } = await createTestMerchant(conn.db);
    const members = () => app.inject({ url: '/api/members', headers: auth(tokens.owner) });
    expect((await members()).statusCode).toBe(200);

    // a transaction holds a checked-out connection when the server goes: its error must not
    // crash the process (it did: unhandled 'error' on the pg client, 57P01)
    const held = conn.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await new Promise((r) => setTimeout(r, 1000));
      await sql`select 1`.execute(trx);
    });
    const heldOutcome = held.then(
      () => 'committed',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    process.kill(postmasterPid(), 'SIGKILL');

    const statuses: number[] = [];
    let unavailable: Awaited<ReturnType<typeof members>> | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await members();
      statuses.push(res.statusCode);
      if (res.statusCode === 503) unavailable ??= res;
      if (res.statusCode === 200 && unavailable) break;
      if (Date.now() > deadline) throw new Error(`no recovery: ${statuses.join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await heldOutcome).toBe('failed');
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(unavailable?.headers['retry-after']).toBe('5');
    expect(unavailable?.json()).toMatchObject({ error: { code: 'service.unavailable' } });
    expect((await app.inject({ url: '/health' })).json()).toEqual({
      status: 'ok',
      database: 'ok',
    });
  });
});

async function loginWith(password: string): Promise<void> {
  const url = new URL(server.url);
  url.password = password;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.end();
}

describe('embedded PostgreSQL as root', () => {
  it.runIf(process.getuid?.() === 0)(
    'runs a cluster whose directory the postgres user cannot enter (a clone in /root, mode 700)',
    async () => {
      const locked = resolve(`.tmp/locked-${process.pid}`);
      mkdirSync(locked, { recursive: true, mode: 0o700 });
      chmodSync(locked, 0o700);
      const own = await startEmbedded(join(locked, 'pg'), await freePort(), () => {});
      try {
        expect(own.dataDir.startsWith('/var/lib/regulars/')).toBe(true);
        expect(statSync(own.dataDir).uid).not.toBe(0);
        const client = new pg.Client({ connectionString: own.url });
        await client.connect();
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        await client.end();
      } finally {
        await own.stop();
        rmSync(own.dataDir, { recursive: true, force: true });
        rmSync(locked, { recursive: true, force: true });
      }
    },
  );
});

function postmasterPid(): number {
  return Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
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
