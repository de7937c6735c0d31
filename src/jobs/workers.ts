import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { registerAutomation } from './automation.job.ts';
import { registerBonusExpiry } from './bonus-expiry.job.ts';
import { registerBonusRelease } from './bonus-release.job.ts';
import { registerCampaignLaunch } from './campaign-launch.job.ts';
import { registerCouponExpiry } from './coupon-expiry.job.ts';
import { registerImportWorker } from './import.worker.ts';
import { registerMaintenance } from './maintenance.job.ts';
import { registerMarketingNightly } from './marketing-nightly.job.ts';
import { registerMembershipAllowance } from './membership-allowance.job.ts';
import { registerOutbox } from './outbox.job.ts';
import { registerPaidMembershipExpiry } from './paid-membership-expiry.job.ts';
import { registerPointsExpiry } from './points-expiry.job.ts';
import { registerTierReview } from './tier-review.job.ts';

/** Every queue and its worker, registered once at start. */
export async function registerWorkers(
  boss: PgBoss,
  db: Db,
  config: Config,
  log: Logger,
): Promise<void> {
  await registerMaintenance(boss, db);
  await registerImportWorker(boss, db, config.dataDir, log);
  await registerPointsExpiry(boss, db, log);
  await registerTierReview(boss, db, log);
  await registerBonusRelease(boss, db, log);
  await registerBonusExpiry(boss, db, log);
  await registerPaidMembershipExpiry(boss, db, log);
  await registerMembershipAllowance(boss, db, log);
  await registerCouponExpiry(boss, db, log);
  await registerMarketingNightly(boss, db, log);
  await registerCampaignLaunch(boss, db, log);
  await registerAutomation(boss, db, log);
  await registerOutbox(boss, db, log);
  void config;
  void log;
}
