import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { retryAt } from '../../lib/backoff.ts';
import { newId } from '../../lib/ids.ts';
import { type DelivererMap, type DeliveryResult, thrownResult } from './deliverer.ts';
import type { OutboxMessageRow } from './outbox.table.ts';

export interface DrainOptions {
  deliverers: DelivererMap;
  now?: () => Date;
  batchSize?: number;
  concurrency?: number;
  /** how long a claim holds its rows; a crashed worker's rows come back after it */
  leaseMs?: number;
  /** tries before a message is dead */
  maxAttempts?: number;
  /** stop after this many batches (one drain does not run forever) */
  maxBatches?: number;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  retrying: number;
  dead: number;
}

/**
 * Delivers what is due, of every merchant, batch after batch until none is left. Each batch is
 * claimed in its own short transaction (SKIP LOCKED, so two workers never take one row, and a
 * lease, so a crashed worker's rows are claimed again once it lapses), delivered with bounded
 * concurrency, then marked in one statement that also writes one attempt row per try.
 */
export async function drainOutbox(db: Db, options: DrainOptions): Promise<DrainResult> {
  const total: DrainResult = { claimed: 0, sent: 0, retrying: 0, dead: 0 };
  const batchSize = options.batchSize ?? 200;
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const now = options.now?.() ?? new Date();
    const lease = new Date(now.getTime() + (options.leaseMs ?? 60_000));
    const rows = await claimDue(db, now, lease, batchSize);
    if (rows.length === 0) break;
    const results = await deliverAll(db, rows, options, now);
    const marked = await markResults(db, rows, results, lease, options, now);
    total.claimed += rows.length;
    for (const status of marked) total[status] += 1;
    if (rows.length < batchSize) break;
  }
  return total;
}

/** Claims due rows of every merchant (the cross-merchant `outbox_due` query) under a lease. */
export async function claimDue(
  db: Db,
  now: Date,
  lease: Date,
  limit: number,
): Promise<OutboxMessageRow[]> {
  const { rows } = await sql<OutboxMessageRow>`
    update outbox_message o set locked_until = ${lease}
    from (select d.merchant_id, d.id from outbox_message d
      where d.status in ('pending', 'retrying') and d.next_attempt_at <= ${now}
        and (d.locked_until is null or d.locked_until <= ${now})
      order by d.next_attempt_at limit ${limit}
      for update skip locked) due
    where o.merchant_id = due.merchant_id and o.id = due.id
    returning o.*`.execute(db);
  return rows;
}

async function deliverAll(
  db: Db,
  rows: readonly OutboxMessageRow[],
  options: DrainOptions,
  now: Date,
): Promise<{ result: DeliveryResult; ms: number }[]> {
  const out: { result: DeliveryResult; ms: number }[] = new Array(rows.length);
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i]!;
      const started = performance.now();
      const deliver = options.deliverers[row.channel];
      let result: DeliveryResult;
      try {
        result = deliver
          ? await deliver(db, row, now)
          : { ok: false, retryable: false, error: `no deliverer for channel ${row.channel}` };
      } catch (e) {
        result = thrownResult(e);
      }
      out[i] = { result, ms: Math.round(performance.now() - started) };
    }
  };
  const lanes = Math.min(options.concurrency ?? 50, rows.length);
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}

type Marked = 'sent' | 'retrying' | 'dead';

/**
 * Marks a batch as sent, retrying (backoff from `retryAt`) or dead, only where this worker's
 * lease still holds (a row whose lease lapsed and was claimed again is the other worker's to
 * mark), and logs each try.
 */
async function markResults(
  db: Db,
  rows: readonly OutboxMessageRow[],
  results: readonly { result: DeliveryResult; ms: number }[],
  lease: Date,
  options: DrainOptions,
  now: Date,
): Promise<Marked[]> {
  const max = options.maxAttempts ?? 8;
  const status: Marked[] = rows.map((row, i) => {
    const { result } = results[i]!;
    if (result.ok) return 'sent';
    return !result.retryable || row.attempts + 1 >= max ? 'dead' : 'retrying';
  });
  const col = <T>(pick: (row: OutboxMessageRow, i: number) => T) => rows.map(pick);
  await sql`
    with r as (
      select * from unnest(${col((r) => r.merchant_id)}::uuid[], ${col((r) => r.id)}::uuid[],
        ${col(() => newId())}::uuid[], ${status}::text[],
        ${col((_, i) => results[i]!.result.ok)}::boolean[],
        ${col((_, i) => results[i]!.result.status_code ?? null)}::int[],
        ${col((_, i) => results[i]!.result.error ?? null)}::text[],
        ${col((_, i) => results[i]!.ms)}::int[],
        ${col((r) => retryAt(now, r.attempts + 1))}::timestamptz[])
        as t (merchant_id, id, attempt_id, status, ok, status_code, error, duration_ms, retry_at)
    ), marked as (
      update outbox_message o set attempts = o.attempts + 1, status = r.status,
        locked_until = null, last_error = r.error,
        sent_at = case when r.ok then ${now}::timestamptz end,
        next_attempt_at = case when r.status = 'retrying' then r.retry_at else o.next_attempt_at end
      from r
      where o.merchant_id = r.merchant_id and o.id = r.id and o.locked_until = ${lease}
        and o.status in ('pending', 'retrying')
      returning o.merchant_id, o.id, o.attempts
    )
    insert into outbox_attempt
      (merchant_id, id, message_id, attempt, ok, status_code, error, duration_ms, created_at)
    select m.merchant_id, r.attempt_id, m.id, m.attempts, r.ok, r.status_code, r.error,
      r.duration_ms, ${now}
    from marked m join r on r.merchant_id = m.merchant_id and r.id = m.id`.execute(db);
  return status;
}
