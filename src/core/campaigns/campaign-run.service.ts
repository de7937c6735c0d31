import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { lockOwnRow } from '../tenant-row.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import type { CampaignRow } from './campaign.table.ts';
import { launchBatch } from './campaign-batch.service.ts';
import { snapshotCampaign } from './campaign-launch.service.ts';

export interface LaunchRunPayload {
  merchantId: string;
  campaignId: string;
}

export interface LaunchRunOptions {
  /** members per transaction */
  batchSize?: number;
  /** the clock (tests move it) */
  now?: () => Date;
  /** called after each committed batch (tests throw here to simulate a kill) */
  afterBatch?: (decided: number) => void | Promise<void>;
}

export type LaunchRunResult = 'ran' | 'busy' | 'idle' | 'early';

const BATCH = 2000;

const lockKey = (id: string) => sql`hashtextextended(${`campaign:${id}`}, 0)`;

const runCtx = (merchantId: string, now: Date): Ctx => ({
  merchantId,
  actor: { kind: 'system', id: null, role: null, permissions: new Set() },
  now,
  locale: 'zh-CN',
});

/**
 * Runs a campaign's launch from where it stopped: a scheduled campaign whose time has come
 * turns launching; the snapshot is taken once; then batch after batch, each its own
 * transaction under the campaign row lock, until nobody is pending; then launched, or
 * stopped_budget when the budget left members without anything. One runner per campaign (a
 * session advisory lock, freed by PostgreSQL if the runner dies), so the queue and a resumed
 * run at start never act together.
 */
export async function runCampaignLaunch(
  db: Db,
  payload: LaunchRunPayload,
  options: LaunchRunOptions = {},
): Promise<LaunchRunResult> {
  const now = options.now ?? (() => new Date());
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${lockKey(payload.campaignId)}) as locked`.execute(conn);
    if (!rows[0]?.locked) return 'busy';
    try {
      const started = await db.transaction().execute((trx) => begin(trx, payload, now()));
      if (started !== 'ran') return started;
      for (;;) {
        const decided = await db.transaction().execute(async (trx) => {
          const ctx = runCtx(payload.merchantId, now());
          const campaign = await lockOwnRow(
            trx,
            ctx,
            'campaign',
            payload.campaignId,
            'campaign.not_found',
          );
          return launchBatch(trx, ctx, campaign, options.batchSize ?? BATCH);
        });
        if (decided === 0) break;
        await options.afterBatch?.(decided);
      }
      await db
        .transaction()
        .execute((trx) => finish(trx, runCtx(payload.merchantId, now()), payload));
      return 'ran';
    } finally {
      await sql`select pg_advisory_unlock(${lockKey(payload.campaignId)})`.execute(conn);
    }
  });
}

/**
 * The whole launch inside the caller's transaction (the demo seed, small launches from a CLI):
 * the same snapshot, batches and end as the queued run, committed or rolled back together.
 */
export async function launchInTransaction(trx: Trx, ctx: Ctx, campaignId: string): Promise<void> {
  const payload = { merchantId: ctx.merchantId, campaignId };
  if ((await begin(trx, payload, ctx.now)) !== 'ran') return;
  for (;;) {
    const campaign = await lockOwnRow(trx, ctx, 'campaign', campaignId, 'campaign.not_found');
    if ((await launchBatch(trx, ctx, campaign, BATCH)) === 0) break;
  }
  await finish(trx, ctx, payload);
}

/** Scheduled → launching when due; the snapshot if not yet taken. */
async function begin(trx: Trx, payload: LaunchRunPayload, at: Date): Promise<LaunchRunResult> {
  const ctx = runCtx(payload.merchantId, at);
  let campaign: CampaignRow = await lockOwnRow(
    trx,
    ctx,
    'campaign',
    payload.campaignId,
    'campaign.not_found',
  );
  if (campaign.status === 'scheduled') {
    if (campaign.schedule_at && campaign.schedule_at > at) return 'early';
    campaign = await trx
      .updateTable('campaign')
      .set({ status: 'launching', updated_at: at })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', campaign.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  if (campaign.status !== 'launching') return 'idle';
  if (!campaign.snapshot_at) await snapshotCampaign(trx, ctx, campaign);
  return 'ran';
}

async function finish(trx: Trx, ctx: Ctx, payload: LaunchRunPayload) {
  const short = await trx
    .selectFrom('campaign_member')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('campaign_id', '=', payload.campaignId)
    .where('outcome', '=', 'skipped_budget')
    .limit(1)
    .executeTakeFirst();
  const done = await trx
    .updateTable('campaign')
    .set({
      status: short ? 'stopped_budget' : 'launched',
      launched_at: ctx.now,
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', payload.campaignId)
    .where('status', '=', 'launching')
    .returning(['id', 'status'])
    .executeTakeFirst();
  // told once: a resumed or repeated finish changes no row
  if (done)
    await emitEvent(trx, ctx, 'campaign.launched', { campaign_id: done.id, status: done.status });
}

/** Launches left running by a server that died (their advisory lock is free), to resume at start. */
export async function findInterruptedLaunches(db: Db): Promise<LaunchRunPayload[]> {
  const running = await db
    .selectFrom('campaign')
    .select(['merchant_id', 'id'])
    .where('status', '=', 'launching')
    .execute();
  const free: LaunchRunPayload[] = [];
  await db.connection().execute(async (conn) => {
    for (const c of running) {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_lock(${lockKey(c.id)}) as locked`.execute(conn);
      if (!rows[0]?.locked) continue;
      await sql`select pg_advisory_unlock(${lockKey(c.id)})`.execute(conn);
      free.push({ merchantId: c.merchant_id, campaignId: c.id });
    }
  });
  return free;
}
