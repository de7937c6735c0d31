import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { ErrorCode } from '../../lib/error-codes.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { ImportJobRow, ImportOrderSummary, ImportReport } from './import.table.ts';
import { type DryRunKind, headerOf, type LineError, rejectLines } from './import-dry-run.ts';
import type { TableSource } from './import-file.ts';
import { lockRunningJob } from './import-options.ts';
import {
  HISTORY_CHANNEL,
  type OrderRowEnv,
  type StagedOrderRow,
  validateOrderRow,
} from './import-order.rules.ts';

/** Stores, SKUs (by barcode) and categories (by code or name) of the merchant, in memory. */
async function orderRowEnv(db: Db, ctx: Ctx): Promise<OrderRowEnv> {
  const merchant = await getMerchant(db, ctx);
  const m = ctx.merchantId;
  const stores = await db
    .selectFrom('store')
    .select(['id', 'code', 'name'])
    .where('merchant_id', '=', m)
    .execute();
  const byKey = new Map<string, string>();
  for (const s of stores) byKey.set(s.code.trim().toLowerCase(), s.id);
  for (const s of stores) byKey.set(s.name.trim(), s.id);
  const skus = await db
    .selectFrom('sku')
    .innerJoin('product', (j) =>
      j
        .onRef('product.merchant_id', '=', 'sku.merchant_id')
        .onRef('product.id', '=', 'sku.product_id'),
    )
    .select(['sku.id', 'sku.barcode', 'product.category_code'])
    .where('sku.merchant_id', '=', m)
    .where('sku.barcode', 'is not', null)
    .execute();
  const categories = await db
    .selectFrom('product_category')
    .select(['code', 'name'])
    .where('merchant_id', '=', m)
    .execute();
  const byCategory = new Map<string, string>();
  for (const c of categories) byCategory.set(c.name.trim(), c.code);
  for (const c of categories) byCategory.set(c.code, c.code);
  return {
    allowForeignPhone: merchant.allow_foreign_phone,
    zone: merchant.time_zone,
    now: ctx.now,
    stores: byKey,
    skus: new Map(skus.map((s) => [s.barcode!, { id: s.id, category: s.category_code }])),
    categories: byCategory,
  };
}

/**
 * The batch's members in one statement: by phone, else by member card number or legacy card,
 * a merged record followed to its survivor. A key that finds no member, or an erased one, is the
 * row's error; the other rows are staged with their member.
 */
async function matchMembers(
  trx: Trx,
  ctx: Ctx,
  job: ImportJobRow,
  rows: StagedOrderRow[],
): Promise<LineError[]> {
  const keyed = rows.filter((r) => r.member_key);
  if (keyed.length === 0) return [];
  const m = ctx.merchantId;
  const phones = keyed.map((r) =>
    r.member_key && 'phone' in r.member_key ? r.member_key.phone : null,
  );
  const cards = keyed.map((r) =>
    r.member_key && 'card' in r.member_key ? r.member_key.card : null,
  );
  const { rows: found } = await sql<{ line: number; member_id: string; status: string }>`
    with recursive keys as (
      select * from unnest(${keyed.map((r) => r.line)}::int[], ${phones}::text[], ${cards}::text[])
        as t(line, phone, card)
    ),
    first as (
      select k.line, coalesce(
        (select id from member where merchant_id = ${m} and phone = k.phone),
        (select id from member where merchant_id = ${m} and card_no = k.card),
        (select member_id from member_identity
          where merchant_id = ${m} and kind = 'legacy_card' and value = k.card)) as id
      from keys k
    ),
    chain as (
      select f.line, n.id, n.status, n.merged_into_id, 0 as depth
      from first f join member n on n.merchant_id = ${m} and n.id = f.id
      union all
      select c.line, n.id, n.status, n.merged_into_id, c.depth + 1
      from chain c join member n on n.merchant_id = ${m} and n.id = c.merged_into_id
      where c.status = 'merged' and c.depth < 8
    )
    select distinct on (line) line, id as member_id, status from chain
    order by line, depth desc`.execute(trx);
  const byLine = new Map(found.map((f) => [f.line, f]));
  const errors: LineError[] = [];
  for (const r of keyed) {
    const hit = byLine.get(r.line);
    const column = headerOf(job, r.member_key && 'phone' in r.member_key ? 'phone' : 'card_no');
    if (hit?.status === 'active') r.member_id = hit.member_id;
    else
      errors.push({
        line: r.line,
        column,
        code: hit ? 'import.member_inactive' : 'import.member_unknown',
      });
  }
  return errors;
}

async function stageOrderRows(
  trx: Trx,
  ctx: Ctx,
  job: ImportJobRow,
  rows: StagedOrderRow[],
): Promise<LineError[]> {
  const errors = await matchMembers(trx, ctx, job, rows);
  const refused = new Set(errors.map((e) => e.line));
  const ok = rows.filter((r) => !refused.has(r.line));
  if (ok.length > 0) {
    const col = <K extends keyof StagedOrderRow>(k: K) => ok.map((r) => r[k]);
    await sql`
      insert into import_order_row (merchant_id, job_id, line, channel, external_id, paid_at,
        store_id, member_id, amount_fen, sku_id, category, quantity, line_amount_fen)
      select ${ctx.merchantId}, ${job.id}, t.*
      from unnest(${col('line')}::int[], ${col('channel')}::text[], ${col('external_id')}::text[],
        ${col('paid_at')}::timestamptz[], ${col('store_id')}::uuid[], ${col('member_id')}::uuid[],
        ${col('amount_fen')}::bigint[], ${col('sku_id')}::uuid[], ${col('category')}::text[],
        ${col('quantity')}::int[], ${col('line_amount_fen')}::bigint[])
        as t(line, channel, external_id, paid_at, store_id, member_id, amount_fen, sku_id,
          category, quantity, line_amount_fen)
      on conflict do nothing`.execute(trx);
  }
  return errors;
}

/**
 * Rows sharing a channel and order number are the lines of one order: they must agree on the
 * time, store, member and order amount (else every row of the order is refused as
 * inconsistent), and their line amounts must add up to the order amount (a single-row order
 * may leave its line amount empty). An order with a refused row is refused whole, never
 * imported without a line. Such rows move to the errors, read again from the file.
 */
async function rejectBadOrders(trx: Trx, ctx: Ctx, job: ImportJobRow, source: TableSource) {
  const m = ctx.merchantId;
  const j = job.id;
  const at = (target: 'order_no' | 'channel') => job.headers.indexOf(headerOf(job, target));
  const channelOf =
    at('channel') < 0
      ? sql`${HISTORY_CHANNEL}::text`
      : sql`coalesce(nullif(e.raw ->> ${at('channel')}::int, ''), ${HISTORY_CHANNEL})`;
  // min <> max rather than count(distinct): one hash aggregate, no sort per order
  const split = sql`(min(paid_at) <> max(paid_at) or min(store_id::text) <> max(store_id::text)
    or min(coalesce(member_id::text, '')) <> max(coalesce(member_id::text, ''))
    or min(amount_fen) <> max(amount_fen))`;
  const { rows } = await sql<{ line: number; code: ErrorCode }>`
    with incomplete as (
      select distinct ${channelOf} as channel, e.raw ->> ${at('order_no')}::int as external_id
      from import_row_error e where e.merchant_id = ${m} and e.job_id = ${j}
    ),
    bad as (
      select r.channel, r.external_id, 'import.order_incomplete' as code
      from import_order_row r join incomplete i
        on i.channel = r.channel and i.external_id = r.external_id
      where r.merchant_id = ${m} and r.job_id = ${j}
      group by r.channel, r.external_id
      union all
      select channel, external_id,
        case when ${split} then 'import.order_inconsistent'
          else 'import.order_amount_mismatch' end as code
      from import_order_row where merchant_id = ${m} and job_id = ${j}
      group by channel, external_id
      having (count(*) > 1 and (${split} or count(line_amount_fen) < count(*)))
        or (count(line_amount_fen) = count(*) and max(amount_fen) is not null
          and sum(line_amount_fen) <> max(amount_fen))
    )
    select distinct on (r.line) r.line, b.code from import_order_row r
    join bad b on b.channel = r.channel and b.external_id = r.external_id
    where r.merchant_id = ${m} and r.job_id = ${j}
    -- an incomplete order says why first: its other problems follow from the missing row
    order by r.line, b.code <> 'import.order_incomplete', b.code`.execute(trx);
  if (rows.length === 0) return;
  const column = (code: ErrorCode) =>
    code !== 'import.order_amount_mismatch'
      ? headerOf(job, 'order_no')
      : headerOf(job, Object.values(job.mapping).includes('amount') ? 'amount' : 'line_amount');
  await rejectLines(
    trx,
    ctx,
    job,
    source,
    rows.map((r) => ({ line: r.line, column: column(r.code), code: r.code })),
  );
  await sql`delete from import_order_row where merchant_id = ${m} and job_id = ${j}
    and line = any(${rows.map((r) => r.line)}::int[])`.execute(trx);
}

/** One row per order, in the order of its first line; orders already imported are marked. */
async function buildOrders(trx: Trx, ctx: Ctx, jobId: string) {
  const m = ctx.merchantId;
  await sql`delete from import_order where merchant_id = ${m} and job_id = ${jobId}`.execute(trx);
  await sql`
    insert into import_order (merchant_id, job_id, seq, channel, external_id, first_line,
      row_count, paid_at, store_id, member_id, amount_fen, existing)
    select ${m}, ${jobId}, row_number() over (order by min(r.line)), r.channel, r.external_id,
      min(r.line), count(*), min(r.paid_at), (array_agg(r.store_id))[1], (array_agg(r.member_id))[1],
      coalesce(max(r.amount_fen), sum(r.line_amount_fen)),
      exists (select 1 from sale_order o where o.merchant_id = ${m} and o.channel = r.channel
        and o.external_id = r.external_id)
    from import_order_row r where r.merchant_id = ${m} and r.job_id = ${jobId}
    group by r.channel, r.external_id`.execute(trx);
}

async function summarize(trx: Trx, ctx: Ctx, jobId: string) {
  const m = ctx.merchantId;
  const { rows } = await sql<ImportOrderSummary & { ok: number; bad: number; all_orders: number }>`
    select
      (select count(*) from import_order_row where merchant_id = ${m} and job_id = ${jobId})::int as ok,
      (select count(distinct line) from import_row_error
        where merchant_id = ${m} and job_id = ${jobId})::int as bad,
      count(*)::int as all_orders,
      (count(*) filter (where not existing))::int as orders,
      coalesce(sum(row_count) filter (where not existing), 0)::int as lines,
      (count(*) filter (where existing))::int as existing_orders,
      (count(distinct member_id) filter (where not existing))::int as members,
      (count(*) filter (where not existing and member_id is null))::int as guest_orders,
      coalesce(sum(amount_fen) filter (where not existing), 0)::bigint as amount_fen
    from import_order where merchant_id = ${m} and job_id = ${jobId}`.execute(trx);
  return rows[0]!;
}

async function finalizeOrders(db: Db, ctx: Ctx, job: ImportJobRow, source: TableSource) {
  const m = ctx.merchantId;
  const j = job.id;
  await db.transaction().execute(async (trx) => {
    await lockRunningJob(trx, ctx, j, 'dry_running');
    await sql`analyze import_order_row`.execute(trx);
    await sql`set local work_mem = '64MB'`.execute(trx);
    await rejectBadOrders(trx, ctx, job, source);
    await buildOrders(trx, ctx, j);
    const { ok, bad, all_orders, ...orders } = await summarize(trx, ctx, j);
    const report: ImportReport = {
      errors: await trx
        .selectFrom('import_row_error')
        .select(['line', 'column_name as column', 'code'])
        .where('merchant_id', '=', m)
        .where('job_id', '=', j)
        .orderBy('line')
        .orderBy('column_name')
        .limit(100)
        .execute(),
      orders,
    };
    await trx
      .updateTable('import_job')
      .set({
        status: 'dry_run_done',
        ok_rows: ok,
        bad_rows: bad,
        group_count: all_orders,
        existing_members: orders.members,
        new_members: 0,
        duplicate_rows: 0,
        total_rows: ok + bad,
        processed_rows: ok + bad,
        report: JSON.stringify(report),
        dry_run_at: ctx.now,
      })
      .where('merchant_id', '=', m)
      .where('id', '=', j)
      .execute();
  });
}

export const orderKind: DryRunKind<StagedOrderRow, OrderRowEnv> = {
  env: orderRowEnv,
  validate: validateOrderRow,
  stage: stageOrderRows,
  finalize: finalizeOrders,
};
