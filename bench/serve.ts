// The HTTP server as production runs it, on the database a benchmark prepared.

import { loadConfig } from '../src/config.ts';
import { connect } from '../src/db/connect.ts';
import { buildApp } from '../src/http/app.ts';

const { db } = connect(process.env.BENCH_DATABASE_URL!, 20);
const app = await buildApp({ db, config: { ...loadConfig(), logLevel: 'silent' } });
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.stdout.write('listening\n');
process.on('SIGTERM', async () => {
  await app.close();
  await db.destroy();
  process.exit(0);
});
