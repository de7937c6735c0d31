import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { CampaignRow } from '../core/campaigns/campaign.table.ts';
import {
  findInterruptedLaunches,
  type LaunchRunPayload,
  runCampaignLaunch,
} from '../core/campaigns/campaign-run.service.ts';
import type { Db, Trx } from '../db/database.ts';
import { viaTransaction } from './via-transaction.ts';

export const CAMPAIGN_QUEUE = 'campaign-launch';

/** A launch runs until done; a dead server's launch is resumed at the next start. */
const SEND_OPTIONS = {
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  expireInSeconds: 4 * 3600,
};

/**
 * Enqueued in the launch request's transaction: a scheduled campaign starts after its time
 * (pg-boss startAfter, the instant of the merchant-local time chosen), the rest at once.
 */
export async function enqueueLaunch(
  boss: PgBoss | undefined,
  trx: Trx,
  campaign: CampaignRow,
): Promise<void> {
  if (!boss) throw new Error('the job queue is not running: campaign launches need pg-boss');
  const payload: LaunchRunPayload = { merchantId: campaign.merchant_id, campaignId: campaign.id };
  await boss.send(CAMPAIGN_QUEUE, payload, {
    ...SEND_OPTIONS,
    ...(campaign.status === 'scheduled' && campaign.schedule_at
      ? { startAfter: campaign.schedule_at }
      : {}),
    db: viaTransaction(trx),
  });
}

export async function registerCampaignLaunch(
  boss: PgBoss,
  db: Db,
  log: Pick<Logger, 'info' | 'error'>,
): Promise<void> {
  await boss.createQueue(CAMPAIGN_QUEUE);
  await boss.work<LaunchRunPayload>(
    CAMPAIGN_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 2 },
    async ([job]) => {
      if (!job) return;
      const result = await runCampaignLaunch(db, job.data);
      log.info({ campaign: job.data.campaignId, result }, 'campaign launch run');
    },
  );
  for (const payload of await findInterruptedLaunches(db)) {
    log.info({ campaign: payload.campaignId }, 'resuming an interrupted campaign launch');
    await boss.send(CAMPAIGN_QUEUE, payload, SEND_OPTIONS);
  }
}
