import { randomBytes } from 'node:crypto';
import { afterAll, inject } from 'vitest';
import { type Connection, connect } from '../src/db/connect.ts';

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
    const conn = connect(url.toString(), 20);
    afterAll(async () => {
      await conn.db.destroy();
      await admin.pool.query(`drop database if exists ${name} with (force)`);
      await admin.db.destroy();
    });
    return conn;
  })();
  return current;
}
