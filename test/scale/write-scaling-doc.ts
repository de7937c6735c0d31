// npm run docs:scaling: migrates a throw-away embedded cluster, reads its schema and rewrites
// the generated section of docs/scaling.md.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../../bench/support.ts';
import { connect } from '../../src/db/connect.ts';
import { ensureDatabase } from '../../src/db/database-server.ts';
import { startEmbedded } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { readCatalog, renderScalingSection, withSection } from './schema-catalog.ts';

const server = await startEmbedded(
  resolve(`.tmp/docs-pg-${process.pid}`),
  await freePort(),
  console.error,
);
try {
  const conn = connect(await ensureDatabase(server.url, 'regulars'), 2);
  await migrateToLatest(conn.db);
  const section = renderScalingSection(await readCatalog(conn.pool));
  await conn.db.destroy();
  const file = 'docs/scaling.md';
  writeFileSync(file, withSection(readFileSync(file, 'utf8'), section));
  console.log(`${file}: generated section written`);
} finally {
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}
