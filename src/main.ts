import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './core/demo/demo.service.ts';
import { openDatabase } from './db/database-server.ts';
import { buildApp } from './http/app.ts';
import { startBoss } from './jobs/boss.ts';
import { registerWorkers } from './jobs/workers.ts';

/**
 * `regulars start`. A start that cannot happen (a bad setting, a port in use, a database that
 * will not start) ends with one line saying why, not a stack trace (LOG_LEVEL=debug shows it).
 */
export async function startServer(options: { demo?: boolean } = {}): Promise<void> {
  try {
    await serve(options);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`\nRegulars did not start: ${message}\n\n`);
    if (process.env.LOG_LEVEL === 'debug') console.error(e);
    process.exit(1);
  }
}

/** config → database (embedded unless DATABASE_URL) → migrate → jobs → http. */
async function serve(options: { demo?: boolean }): Promise<void> {
  const config = loadConfig(options.demo ? { ...process.env, DEMO: '1' } : process.env);
  const log = pino({ level: config.logLevel });
  log.info({ embedded: !config.databaseUrl, dataDir: config.dataDir }, 'starting Regulars');
  claimPidFile(config.dataDir);
  await buildWebIfMissing(log);
  const database = await openDatabase(config, (m) => log.warn(m), { poolSize: 20 });
  const boss = await startBoss(database.url, (m, level) => log[level](m));
  await registerWorkers(boss, database.db, config, log);
  const empty = !(await database.db
    .selectFrom('merchant')
    .select('id')
    .limit(1)
    .executeTakeFirst());
  const demo =
    empty && config.seedDemo ? await seedDemoIfEmpty(database.db, new Date(), 3000) : undefined;
  const app = await buildApp({ db: database.db, config, boss, logger: log });
  await app.listen({ host: config.host, port: config.port });

  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const lines = [`Regulars is running: ${url}/  (API reference: ${url}/docs)`];
  if (demo)
    lines.push(
      'DEMO: an empty database got the demo bakery merchant, whose password is published.',
      'Do not enter real data into it. Demo logins (password for all: Regulars2026):',
      ...demo.logins.map((l) => `  ${l.role.padEnd(9)} ${l.login}`),
    );
  else if (empty)
    lines.push(
      'The database has no merchant. The demo merchant is seeded only on a loopback address',
      'without TRUST_PROXY (or with DEMO=1 / `start --demo`). Create a real merchant with',
      '  npx regulars merchant create --name … --owner-login … --owner-password …',
    );
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close();
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** One server per data directory: a second start would stop the first one's database. */
function claimPidFile(dataDir: string): void {
  const file = join(dataDir, 'regulars.pid');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    if (pid !== process.pid && isAlive(pid))
      throw new Error(`Regulars is already running on ${dataDir} (pid ${pid})`);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, String(process.pid));
  process.on('exit', () => rmSync(file, { force: true }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` on a fresh clone: the console is built once, the first time. */
async function buildWebIfMissing(log: pino.Logger): Promise<void> {
  const root = join(import.meta.dirname, '..');
  if (existsSync(join(root, 'web/dist/index.html'))) return;
  log.info('building the web console (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn' });
}
