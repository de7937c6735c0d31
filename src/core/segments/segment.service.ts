import { performance } from 'node:perf_hooks';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import type { Ctx } from '../context.ts';
import type { CustomFieldType } from '../members/member.table.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { leavesOf, validateSegmentRule } from './segment.rules.ts';
import type {
  CreateSegmentBody,
  SegmentRule,
  SegmentView,
  UpdateSegmentBody,
} from './segment.schema.ts';
import type { SegmentRow } from './segment.table.ts';
import { countSegment, sampleSegment, segmentMembers } from './segment-query.service.ts';
import { describeSegmentRule, type SegmentNames } from './segment-sentence.rules.ts';

export const SAMPLE_SIZE = 10;

/**
 * validateSegmentRule with the merchant's custom fields: a key the merchant has not defined is
 * `segment.unknown_field`, an operator its type does not take `segment.operator_invalid`.
 */
export async function checkSegmentRule(
  db: Db | Trx,
  ctx: Ctx,
  rule: unknown,
  path = 'rule',
): Promise<SegmentRule> {
  const fields = await db
    .selectFrom('custom_field')
    .select(['key', 'type'])
    .where('merchant_id', '=', ctx.merchantId)
    .execute();
  validateSegmentRule(
    rule,
    new Map<string, CustomFieldType>(fields.map((f) => [f.key, f.type])),
    path,
  );
  return rule;
}

/** The display names of everything the rules name by id or code, in the caller's merchant. */
export async function loadSegmentNames(
  db: Db | Trx,
  ctx: Ctx,
  rules: readonly SegmentRule[],
): Promise<SegmentNames> {
  const leaves = rules.flatMap(leavesOf);
  const idsOf = (pick: (l: (typeof leaves)[number]) => readonly string[] | undefined) => [
    ...new Set(leaves.flatMap((l) => pick(l) ?? [])),
  ];
  const tags = idsOf((l) => (l.field === 'tag' ? l.tag_ids : undefined));
  const tiers = idsOf((l) => (l.field === 'tier' ? l.tier_ids : undefined));
  const stores = idsOf((l) =>
    l.field === 'store' || l.field === 'home_store' ? l.store_ids : undefined,
  );
  const codes = idsOf((l) => (l.field === 'category' ? l.codes : undefined));
  const skus = idsOf((l) => (l.field === 'sku' ? l.sku_ids : undefined));
  const keys = idsOf((l) => (l.field === 'custom' ? [l.key] : undefined));
  const m = ctx.merchantId;
  const byId = (rows: { id: string; name: string }[]) =>
    Object.fromEntries(rows.map((r) => [r.id, r.name]));
  const none = Promise.resolve([]);
  const [tagRows, tierRows, storeRows, categoryRows, skuRows, fieldRows] = await Promise.all([
    tags.length
      ? db
          .selectFrom('tag')
          .select(['id', 'name'])
          .where('merchant_id', '=', m)
          .where('id', 'in', tags)
          .execute()
      : none,
    tiers.length
      ? db
          .selectFrom('tier')
          .select(['id', 'name'])
          .where('merchant_id', '=', m)
          .where('id', 'in', tiers)
          .execute()
      : none,
    stores.length
      ? db
          .selectFrom('store')
          .select(['id', 'name'])
          .where('merchant_id', '=', m)
          .where('id', 'in', stores)
          .execute()
      : none,
    codes.length
      ? db
          .selectFrom('product_category')
          .select(['code as id', 'name'])
          .where('merchant_id', '=', m)
          .where('code', 'in', codes)
          .execute()
      : none,
    skus.length
      ? db
          .selectFrom('sku as s')
          .innerJoin('product as p', (j) =>
            j.onRef('p.merchant_id', '=', 's.merchant_id').onRef('p.id', '=', 's.product_id'),
          )
          .select(['s.id', 'p.name', 's.spec'])
          .where('s.merchant_id', '=', m)
          .where('s.id', 'in', skus)
          .execute()
          .then((rows) =>
            rows.map((r) => ({ id: r.id, name: r.spec ? `${r.name} ${r.spec}` : r.name })),
          )
      : none,
    keys.length
      ? db
          .selectFrom('custom_field')
          .select(['key as id', 'label as name'])
          .where('merchant_id', '=', m)
          .where('key', 'in', keys)
          .execute()
      : none,
  ]);
  return {
    tags: byId(tagRows),
    tiers: byId(tierRows),
    stores: byId(storeRows),
    categories: byId(categoryRows),
    skus: byId(skuRows),
    customFields: byId(fieldRows),
  };
}

export async function describeRules(db: Db | Trx, ctx: Ctx, rules: readonly SegmentRule[]) {
  const names = await loadSegmentNames(db, ctx, rules);
  return rules.map((rule) => describeSegmentRule(rule, ctx.locale, names));
}

/** What the builder shows while a marketer edits: the exact count now, a sample, the sentence. */
export async function previewSegment(db: Db, ctx: Ctx, raw: unknown) {
  const rule = await checkSegmentRule(db, ctx, raw);
  const started = performance.now();
  const [count, sample, [sentence]] = await Promise.all([
    countSegment(db, ctx, rule),
    sampleSegment(db, ctx, rule, SAMPLE_SIZE),
    describeRules(db, ctx, [rule]),
  ]);
  return { count, sample, sentence: sentence!, took_ms: Math.round(performance.now() - started) };
}

async function present(db: Db | Trx, ctx: Ctx, rows: SegmentRow[]): Promise<SegmentView[]> {
  const rules = rows.map((r) => r.rule as SegmentRule);
  const sentences = await describeRules(db, ctx, rules);
  return rows.map((r, i) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    rule: rules[i]!,
    sentence: sentences[i]!,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }));
}

export async function listSegments(db: Db, ctx: Ctx): Promise<SegmentView[]> {
  const rows = await db
    .selectFrom('segment')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
  return present(db, ctx, rows);
}

export async function getSegment(db: Db | Trx, ctx: Ctx, id: string): Promise<SegmentView> {
  const row = await getOwnRow(db, ctx, 'segment', id, 'segment.not_found');
  return (await present(db, ctx, [row]))[0]!;
}

export async function createSegment(trx: Trx, ctx: Ctx, input: CreateSegmentBody) {
  const rule = await checkSegmentRule(trx, ctx, input.rule);
  const row = await trx
    .insertInto('segment')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: input.name.trim(),
      description: input.description ?? null,
      rule: JSON.stringify(rule),
      created_by: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return (await present(trx, ctx, [row]))[0]!;
}

export async function updateSegment(trx: Trx, ctx: Ctx, id: string, patch: UpdateSegmentBody) {
  await lockOwnRow(trx, ctx, 'segment', id, 'segment.not_found');
  if (patch.rule !== undefined) await checkSegmentRule(trx, ctx, patch.rule);
  const changes = pickDefined(patch, { name: false, description: true, rule: false });
  const row = await trx
    .updateTable('segment')
    .set({
      ...changes,
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.rule !== undefined ? { rule: JSON.stringify(patch.rule) } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return (await present(trx, ctx, [row]))[0]!;
}

export async function deleteSegment(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  await lockOwnRow(trx, ctx, 'segment', id, 'segment.not_found');
  await trx
    .deleteFrom('segment')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
}

/** A saved segment's members now, by member id (keyset: the cursor is the last id seen). */
export async function listSegmentMembers(
  db: Db,
  ctx: Ctx,
  id: string,
  page: { cursor?: string; limit: number },
) {
  const segment = await getOwnRow(db, ctx, 'segment', id, 'segment.not_found');
  const after = page.cursor ? decodeIdCursor(page.cursor) : undefined;
  const rows = await db
    .selectFrom('member')
    .select(['id', 'card_no', 'name', 'phone', 'registered_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', segmentMembers(db, ctx, segment.rule as SegmentRule))
    .$if(after !== undefined, (q) => q.where('id', '>', after!))
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > page.limit && last ? encodeIdCursor(last.id) : null };
}

const encodeIdCursor = (id: string) => Buffer.from(JSON.stringify([0, id])).toString('base64url');
function decodeIdCursor(raw: string): string {
  try {
    const [v, id] = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown[];
    if (v === 0 && typeof id === 'string' && isUuid(id)) return id;
  } catch {}
  throw new DomainError('request.cursor_invalid', { field: 'cursor' });
}
