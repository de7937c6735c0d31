import PgBoss from 'pg-boss';
import { isDatabaseUnavailable } from '../db/pg-errors.ts';

export type JobsLog = (message: string, level: 'warn' | 'error') => void;

/** How often, at most, a database that stays away is reported again. */
const AWAY_REPORT_MS = 60_000;

/**
 * pg-boss on the application's own database: durable jobs and schedules, no other server.
 * While the database is away (restart, failover) every poll fails: that is reported once a
 * minute as a warning, not as an error per poll; pg-boss carries on once it is back.
 */
export async function startBoss(url: string, log: JobsLog): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 4, schema: 'pgboss' });
  let awayReportedAt = 0;
  let stopped = false;
  boss.once('stopped', () => {
    stopped = true;
  });
  boss.on('error', (e) => {
    if (!isDatabaseUnavailable(e)) return log(`jobs: ${e.message}`, 'error');
    // a connection of a stopped queue that the database's own shutdown ends is no news
    if (stopped) return;
    if (Date.now() - awayReportedAt < AWAY_REPORT_MS) return;
    awayReportedAt = Date.now();
    log(`jobs: database unavailable (${e.message}); retrying`, 'warn');
  });
  await boss.start();
  return boss;
}
