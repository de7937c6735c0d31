import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { generateCardNumber } from '../../lib/card-number.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { emitEvents } from '../webhooks/webhook-event.service.ts';
import type { ImportCommitCounts, ImportGroupRow, ImportJobRow } from './import.table.ts';
import { ownerTableSql, STAGING_TABLES } from './import-dry-run.ts';
import { uploadPath } from './import-file.ts';
import { postOpeningEntries } from './import-ledger.ts';
import { DEFAULT_BATCH_SIZE, type ImportRunOptions, lockRunningJob } from './import-options.ts';
import { orderCommit } from './import-order-commit.ts';

const zeroCounts = (): ImportCommitCounts => ({
  members_created: 0,
  members_filled: 0,
  identities_linked: 0,
  entries_posted: 0,
});

/**
 * After batches 1, 2, 4, 8 … of a run the merchant's rows in the written tables have doubled
 * since the planner last looked. Until it looks, a merchant new to a table shared with others
 * is estimated at one row, and joins on its rows are planned as a scan of all of them per row:
 * the batches slow down quadratically (autovacuum analyses only after 10 % of the whole table
 * changed, which a large shared table never sees from one merchant's import).
 */
const statisticsStale = (batchNo: number) => (batchNo & (batchNo - 1)) === 0;

async function analyze(db: Db, tables: readonly string[]) {
  await sql`analyze ${sql.join(tables.map((t) => sql.id(t)))}`.execute(db);
}

/** One committed batch: how far the job got and what it wrote. */
export interface CommitStep {
  lastSeq: number;
  rows: number;
  counts: ImportCommitCounts;
}

/** What differs between committing member groups and committing orders. */
export interface CommitKind {
  /** Before the first batch, outside any batch transaction. */
  prepare(db: Db, ctx: Ctx, job: ImportJobRow): Promise<void>;
  /** The next batch after `job.committed_through_seq`; undefined when none is left. */
  batch(trx: Trx, ctx: Ctx, job: ImportJobRow, size: number): Promise<CommitStep | undefined>;
  /** After the last batch, before the job is done (may run again after a crash). */
  complete(db: Db, ctx: Ctx, job: ImportJobRow): Promise<void>;
  /** The tables the batches write and read back, analysed as the merchant's rows grow. */
  tables: readonly string[];
}

const memberCommit: CommitKind = {
  prepare: (db, ctx, job) => ensureTierField(db, ctx, job.id),
  batch: commitMemberBatch,
  complete: async () => {},
  tables: ['member', 'member_identity', 'ledger_entry', 'ledger_balance'],
};

// looked up when a run starts: the order kind's module imports this one
const commitKindOf = (job: ImportJobRow): CommitKind =>
  job.kind === 'orders' ? orderCommit : memberCommit;

/**
 * The commit: walks the job's groups (members, or orders) in seq order, a batch per
 * transaction. Each batch moves the job's resume point (`committed_through_seq`) in its own
 * transaction, so after a crash the next run continues after the last batch that committed;
 * and every write is idempotent on its own (phone and card unique, one `import` entry per
 * member and ledger, one order per channel and order number), so even a batch applied twice
 * would change nothing.
 */
export async function runCommit(
  db: Db,
  ctx: Ctx,
  job: ImportJobRow,
  options: ImportRunOptions,
): Promise<void> {
  const kind = commitKindOf(job);
  await kind.prepare(db, ctx, job);
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for (let batchNo = 1; ; batchNo++) {
    const progress = await db.transaction().execute(async (trx) => {
      const locked = await lockRunningJob(trx, ctx, job.id, 'committing');
      const step = await kind.batch(trx, ctx, locked, size);
      if (!step) return undefined;
      const total = addCounts(locked.report.commit ?? zeroCounts(), step.counts);
      const processed = locked.processed_rows + step.rows;
      await trx
        .updateTable('import_job')
        .set({
          committed_through_seq: step.lastSeq,
          processed_rows: processed,
          report: JSON.stringify({ ...locked.report, commit: total }),
        })
        .where('merchant_id', '=', ctx.merchantId)
        .where('id', '=', job.id)
        .execute();
      await options.beforeBatchCommit?.(trx, batchNo);
      return { processed, total: locked.total_rows };
    });
    if (!progress) break;
    if (statisticsStale(batchNo)) await analyze(db, kind.tables);
    options.onProgress?.({ phase: 'commit', ...progress });
    await options.afterBatch?.(batchNo);
  }
  await kind.complete(db, ctx, job);
  await db.transaction().execute(async (trx) => {
    await finishCommit(trx, ctx, await lockRunningJob(trx, ctx, job.id, 'committing'));
  });
  // the rows are in the members and ledgers now; the uploaded copy of personal data goes
  await rm(uploadPath(options.dataDir, job.id), { force: true });
  options.onProgress?.({ phase: 'commit', processed: job.total_rows, total: job.total_rows });
}

async function commitMemberBatch(
  trx: Trx,
  ctx: Ctx,
  job: ImportJobRow,
  size: number,
): Promise<CommitStep | undefined> {
  const groups = await trx
    .selectFrom('import_group')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('job_id', '=', job.id)
    .where('seq', '>', job.committed_through_seq)
    .orderBy('seq')
    .limit(size)
    .execute();
  if (groups.length === 0) return undefined;
  const merchant = await getMerchant(trx, ctx);
  return {
    lastSeq: groups.at(-1)!.seq,
    rows: groups.reduce((n, g) => n + g.row_count, 0),
    counts: await commitGroups(trx, ctx, job.id, groups, merchant.card_prefix),
  };
}

function addCounts(a: ImportCommitCounts, b: ImportCommitCounts): ImportCommitCounts {
  const sum = { ...a };
  for (const [key, n] of Object.entries(b) as [keyof ImportCommitCounts, number][])
    sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

/** `等级` is kept as text in member.custom.legacy_tier, a custom field made on first need. */
async function ensureTierField(db: Db, ctx: Ctx, jobId: string): Promise<void> {
  const hasTier = await db
    .selectFrom('import_group')
    .select('seq')
    .where('merchant_id', '=', ctx.merchantId)
    .where('job_id', '=', jobId)
    .where('tier', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (!hasTier) return;
  await db.transaction().execute(async (trx) => {
    const field = await trx
      .insertInto('custom_field')
      .values({
        merchant_id: ctx.merchantId,
        id: newId(),
        key: 'legacy_tier',
        label: '原会员等级',
        type: 'text',
        options: [],
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (field)
      await recordAudit(trx, ctx, {
        action: 'custom_field.create',
        entityType: 'custom_field',
        entityId: field.id,
        after: { key: 'legacy_tier', type: 'text', by: 'import' },
      });
  });
}

async function finishCommit(trx: Trx, ctx: Ctx, job: ImportJobRow): Promise<void> {
  const counts = job.report.commit ?? zeroCounts();
  await trx
    .updateTable('import_job')
    .set({ status: 'done', processed_rows: job.total_rows, finished_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', job.id)
    .execute();
  for (const table of STAGING_TABLES.filter((t) => t !== 'import_row_error')) {
    await trx
      .deleteFrom(table)
      .where('merchant_id', '=', ctx.merchantId)
      .where('job_id', '=', job.id)
      .execute();
  }
  await recordAudit(trx, ctx, {
    action: 'import.commit',
    entityType: 'import_job',
    entityId: job.id,
    after: {
      file_name: job.file_name,
      sha256: job.file_sha256,
      ok_rows: job.ok_rows,
      bad_rows: job.bad_rows,
      ...counts,
    },
  });
}

interface Owner {
  phone: string;
  member_id: string;
  status: string;
}

async function ownersOf(trx: Trx, ctx: Ctx, phones: string[]): Promise<Map<string, Owner>> {
  if (phones.length === 0) return new Map();
  const { rows } = await sql<Owner>`${ownerTableSql(
    ctx.merchantId,
    sql`select unnest(${phones}::text[])`,
  )}`.execute(trx);
  return new Map(rows.map((r) => [r.phone, r]));
}

/** One batch of member groups: create or fill members, link cards, post opening balances. */
async function commitGroups(
  trx: Trx,
  ctx: Ctx,
  jobId: string,
  groups: ImportGroupRow[],
  cardPrefix: string,
): Promise<ImportCommitCounts> {
  const owners = await ownersOf(
    trx,
    ctx,
    groups.map((g) => g.phone),
  );
  const memberOf = new Map<string, string>();
  const fresh = groups.filter((g) => !owners.has(g.phone));
  const created = await createMembers(trx, ctx, fresh, cardPrefix, memberOf);
  // Opening balances only for members this import creates: a file must not credit value to
  // members who already exist here (that is a ledger adjustment, with its own permission).
  const openings = new Map(memberOf);
  // a phone registered since the dry run is an existing member now
  const again = await ownersOf(
    trx,
    ctx,
    fresh.filter((g) => !memberOf.has(g.phone)).map((g) => g.phone),
  );
  for (const [phone, owner] of again) owners.set(phone, owner);
  const existing = groups.filter((g) => owners.get(g.phone)?.status === 'active');
  for (const g of existing) memberOf.set(g.phone, owners.get(g.phone)!.member_id);
  const filled = await fillMembers(trx, ctx, existing, memberOf);
  const linked = await linkCards(trx, ctx, groups, memberOf);
  const posted = await postOpeningEntries(trx, ctx, jobId, groups, openings);
  return {
    members_created: created,
    members_filled: filled,
    identities_linked: linked,
    entries_posted: posted,
  };
}

/**
 * New members in one statement. The file's first card number becomes the card number when no
 * member holds it, otherwise a generated one; a generated number that collides is drawn again.
 */
async function createMembers(
  trx: Trx,
  ctx: Ctx,
  groups: ImportGroupRow[],
  cardPrefix: string,
  memberOf: Map<string, string>,
): Promise<number> {
  if (groups.length === 0) return 0;
  const wanted = groups.map((g) => g.card_no).filter((c): c is string => c !== null);
  const taken = new Set(
    wanted.length === 0
      ? []
      : (
          await trx
            .selectFrom('member')
            .select('card_no')
            .where('merchant_id', '=', ctx.merchantId)
            .where('card_no', 'in', wanted)
            .execute()
        ).map((r) => r.card_no),
  );
  let pending = groups.map((g) => ({
    g,
    id: newId(),
    card: g.card_no && !taken.has(g.card_no) ? g.card_no : generateCardNumber(cardPrefix),
  }));
  let created = 0;
  for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
    const col = <T>(f: (p: (typeof pending)[number]) => T) => pending.map(f);
    const { rows } = await sql<{
      id: string;
      phone: string;
      home_store_id: string | null;
      registered_at: Date;
    }>`
      insert into member (merchant_id, id, card_no, phone, name, gender, birthday, source_channel,
        home_store_id, custom, registered_at, updated_at)
      select ${ctx.merchantId}, t.id, t.card_no, t.phone, t.name, coalesce(t.gender, 'unknown'),
        t.birthday, 'import', t.store_id,
        case when t.tier is null then '{}'::jsonb else jsonb_build_object('legacy_tier', t.tier) end,
        coalesce(t.registered_at, ${ctx.now}), ${ctx.now}
      from unnest(${col((p) => p.id)}::uuid[], ${col((p) => p.card)}::text[],
        ${col((p) => p.g.phone)}::text[], ${col((p) => p.g.name)}::text[],
        ${col((p) => p.g.gender)}::text[], ${col((p) => p.g.birthday)}::date[],
        ${col((p) => p.g.store_id)}::uuid[], ${col((p) => p.g.tier)}::text[],
        ${col((p) => p.g.registered_at)}::timestamptz[])
        as t(id, card_no, phone, name, gender, birthday, store_id, tier, registered_at)
      on conflict do nothing
      returning id, phone, home_store_id, registered_at`.execute(trx);
    created += rows.length;
    await emitEvents(
      trx,
      ctx,
      'member.created',
      rows.map((r) => ({
        member_id: r.id,
        source_channel: 'import',
        home_store_id: r.home_store_id,
        referrer_id: null,
        registered_at: r.registered_at,
      })),
    );
    for (const r of rows) memberOf.set(r.phone, r.id);
    // what did not go in: a phone registered meanwhile (resolved by the caller) or a card
    // number collision (drawn again)
    pending = pending
      .filter((p) => !memberOf.has(p.g.phone))
      .map((p) => ({ ...p, card: generateCardNumber(cardPrefix) }));
  }
  return created;
}

/** An existing member keeps every value it has; only empty fields are filled. */
async function fillMembers(
  trx: Trx,
  ctx: Ctx,
  groups: ImportGroupRow[],
  memberOf: Map<string, string>,
): Promise<number> {
  if (groups.length === 0) return 0;
  const col = <T>(f: (g: ImportGroupRow) => T) => groups.map(f);
  const { rows } = await sql<{ id: string }>`
    update member m set
      name = coalesce(m.name, t.name),
      gender = case when m.gender = 'unknown' and t.gender is not null then t.gender else m.gender end,
      birthday = coalesce(m.birthday, t.birthday),
      home_store_id = coalesce(m.home_store_id, t.store_id),
      custom = case when t.tier is not null and not (m.custom ? 'legacy_tier')
        then m.custom || jsonb_build_object('legacy_tier', t.tier) else m.custom end,
      updated_at = ${ctx.now}
    from unnest(${col((g) => memberOf.get(g.phone))}::uuid[], ${col((g) => g.name)}::text[],
      ${col((g) => g.gender)}::text[], ${col((g) => g.birthday)}::date[],
      ${col((g) => g.store_id)}::uuid[], ${col((g) => g.tier)}::text[])
      as t(id, name, gender, birthday, store_id, tier)
    where m.merchant_id = ${ctx.merchantId} and m.id = t.id and m.status = 'active' and (
      (m.name is null and t.name is not null)
      or (m.gender = 'unknown' and t.gender is not null)
      or (m.birthday is null and t.birthday is not null)
      or (m.home_store_id is null and t.store_id is not null)
      or (t.tier is not null and not (m.custom ? 'legacy_tier')))
    returning m.id`.execute(trx);
  return rows.length;
}

/** Every card number of the file is a legacy_card identity, so lookup by card finds the member. */
async function linkCards(
  trx: Trx,
  ctx: Ctx,
  groups: ImportGroupRow[],
  memberOf: Map<string, string>,
): Promise<number> {
  const links: { member: string; card: string }[] = [];
  for (const g of groups) {
    const member = memberOf.get(g.phone);
    if (!member) continue;
    for (const card of new Set(g.cards)) links.push({ member, card });
  }
  if (links.length === 0) return 0;
  const { rows } = await sql`
    insert into member_identity (merchant_id, id, member_id, kind, value, created_at)
    select ${ctx.merchantId}, t.id, t.member_id, 'legacy_card', t.value, ${ctx.now}
    from unnest(${links.map(() => newId())}::uuid[], ${links.map((l) => l.member)}::uuid[],
      ${links.map((l) => l.card)}::text[]) as t(id, member_id, value)
    on conflict (merchant_id, kind, value) do nothing
    returning id`.execute(trx);
  return rows.length;
}
