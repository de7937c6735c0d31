import { join } from 'node:path';
import type { Config } from '../config.ts';
import { type Connection, connect } from './connect.ts';
import { startEmbedded } from './embedded.ts';
import { migrateToLatest } from './migrate.ts';

export interface DatabaseHandle extends Connection {
  close(): Promise<void>;
}

/** DATABASE_URL when given; otherwise the embedded server with data under `dataDir/pg`. Migrated. */
export async function openDatabase(
  config: Config,
  log: (m: string) => void,
  options: { poolSize?: number; reuseRunning?: boolean } = {},
): Promise<DatabaseHandle> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbedded(join(config.dataDir, 'pg'), config.embeddedPgPort, log, {
        reuseRunning: options.reuseRunning ?? false,
      });
  const url = config.databaseUrl ?? (await ensureDatabase(embedded!.url, 'regulars'));
  const conn = connect(url, options.poolSize ?? 10);
  await migrateToLatest(conn.db);
  return {
    ...conn,
    close: async () => {
      await conn.db.destroy();
      await embedded?.stop();
    },
  };
}

/** Creates database `name` on the server of `serverUrl` if missing; returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = connect(serverUrl, 1);
  try {
    const { rows } = await admin.pool.query('select 1 from pg_database where datname = $1', [name]);
    if (rows.length === 0) await admin.pool.query(`create database "${name}"`);
  } finally {
    await admin.db.destroy();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
