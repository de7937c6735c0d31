import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { type Connection, connect } from '../src/db/connect.ts';
import { tenantGuard } from '../src/db/tenant-guard.ts';

let current: Promise<Connection> | undefined;

/** A database of this test file's own, cloned from the migrated template. */
export function testDb(): Promise<Connection> {
  current ??= (async () => {
    const serverUrl = inject('serverUrl');
    const name = `regulars_test_${randomBytes(6).toString('hex')}`;
    const admin = connect(serverUrl, 1);
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.pool.query(`create database ${name} template regulars_template`);
        break;
      } catch (e) {
        // concurrent clones of one template can collide; the next try succeeds
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const conn = await guarded(connect(url.toString(), 20));
    afterAll(async () => {
      await conn.db.destroy();
      await admin.pool.query(`drop database if exists ${name} with (force)`);
      await admin.db.destroy();
    });
    return conn;
  })();
  return current;
}

/**
 * Every test query goes through the tenant guard: one on a tenant table (a table with a
 * merchant_id column) without a merchant_id predicate throws, unless it is a listed
 * cross-merchant query.
 */
async function guarded(conn: Connection): Promise<Connection> {
  const { rows } = await conn.pool.query<{ table_name: string }>(
    `select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'merchant_id'`,
  );
  return { ...conn, db: conn.db.withPlugin(tenantGuard(new Set(rows.map((r) => r.table_name)))) };
}
