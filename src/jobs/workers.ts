import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { registerMaintenance } from './maintenance.job.ts';

/** Every queue and its worker, registered once at start. */
export async function registerWorkers(
  boss: PgBoss,
  db: Db,
  config: Config,
  log: Logger,
): Promise<void> {
  await registerMaintenance(boss, db);
  void config;
  void log;
}
