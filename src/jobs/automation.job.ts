import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { runAutomationSweep } from '../core/automation/automation-sweep.service.ts';
import type { Db } from '../db/database.ts';

const QUEUE = 'automation.sweep';

/**
 * Automations run by themselves: every 5 minutes one sweep plans and executes the due runs of
 * every merchant's active automations, each in its merchant's zone. The singleton queue keeps
 * one sweep per instance set at a time; a second instance or a replay is harmless anyway (the
 * run rows are unique and claimed with SKIP LOCKED).
 */
export async function registerAutomation(boss: PgBoss, db: Db, log: Logger): Promise<void> {
  await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton' });
  await boss.schedule(QUEUE, '*/5 * * * *', {}, { tz: 'UTC' });
  await boss.work(QUEUE, async () => {
    const outcome = await runAutomationSweep(db, new Date(), {
      onError: (automationId, error) =>
        log.error({ err: error, automationId }, 'automation run failed'),
    });
    if (outcome.executed > 0) log.info(outcome, 'automations ran');
  });
}
