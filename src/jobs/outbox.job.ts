import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { channelDeliverers } from '../core/messaging/channel-map.ts';
import { type DrainOptions, drainOutbox } from '../core/messaging/outbox-delivery.service.ts';
import type { Db } from '../db/database.ts';

export const OUTBOX_QUEUE = 'outbox-drain';
/** How soon a message written by a request is picked up (one-time codes wait at most this). */
const POLL_MS = 1_000;

/**
 * The one delivery worker. A short poll loop drains the outbox within a second of a commit (the
 * claim is one indexed statement, cheap when nothing is due); a pg-boss schedule every minute
 * drains it too, so delivery carries on even if the loop stalled. Drains never overlap within a
 * process; across processes SKIP LOCKED and the lease keep each row with one worker.
 */
export async function registerOutbox(
  boss: PgBoss,
  db: Db,
  log: Logger,
  options: Partial<DrainOptions> = {},
): Promise<void> {
  const drainOptions: DrainOptions = { deliverers: channelDeliverers(log), ...options };
  let running: Promise<void> | undefined;
  const drain = () => {
    running ??= drainOutbox(db, drainOptions)
      .then((r) => {
        if (r.claimed > 0) log.info(r, 'outbox delivered');
      })
      .catch((e: unknown) => log.warn({ err: e }, 'outbox drain failed; next poll retries'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  await boss.createQueue(OUTBOX_QUEUE, { name: OUTBOX_QUEUE, policy: 'singleton' });
  await boss.schedule(OUTBOX_QUEUE, '* * * * *', {}, { tz: 'UTC' });
  await boss.work(OUTBOX_QUEUE, drain);
  const timer = setInterval(() => void drain(), POLL_MS);
  timer.unref();
  boss.once('stopped', () => clearInterval(timer));
}
