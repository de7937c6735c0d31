import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { Ctx } from '../context.ts';
import type { SegmentRule } from '../segments/segment.schema.ts';
import { type SegmentQuery, segmentMembers } from '../segments/segment-query.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { ListMembersQuery, LookupQuery, MemberSort } from './member.schema.ts';
import type { MemberRow } from './member.table.ts';
import { verifyMemberCode } from './member-code.ts';
import { recordPhoneLookup } from './phone-lookup.service.ts';

interface Cursor {
  /** the sort key of the last row: an ISO time for registered_at, an integer otherwise */
  v: string | number;
  id: string;
}

/** A dynamic member code is a long base64url string: what a scanner types into the search box. */
const MEMBER_CODE = /^[A-Za-z0-9_-]{40,128}$/;

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string, sort: MemberSort): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    const valid =
      sort === 'registered_at'
        ? typeof c.v === 'string' && !Number.isNaN(Date.parse(c.v))
        : Number.isSafeInteger(c.v);
    if (valid && typeof c.id === 'string' && isUuid(c.id)) return c;
  } catch {}
  throw new DomainError('member.cursor_invalid', { field: 'cursor' });
}

function baseQuery(db: Db | Trx, ctx: Ctx) {
  return db
    .selectFrom('member as m')
    .leftJoin('member_loyalty as ml', (j) =>
      j.onRef('ml.merchant_id', '=', 'm.merchant_id').onRef('ml.member_id', '=', 'm.id'),
    )
    .leftJoin('ledger_balance as pt', (j) =>
      j
        .onRef('pt.merchant_id', '=', 'm.merchant_id')
        .onRef('pt.member_id', '=', 'm.id')
        .on('pt.ledger', '=', 'points'),
    )
    .leftJoin('ledger_balance as pr', (j) =>
      j
        .onRef('pr.merchant_id', '=', 'm.merchant_id')
        .onRef('pr.member_id', '=', 'm.id')
        .on('pr.ledger', '=', 'principal'),
    )
    .leftJoin('ledger_balance as bo', (j) =>
      j
        .onRef('bo.merchant_id', '=', 'm.merchant_id')
        .onRef('bo.member_id', '=', 'm.id')
        .on('bo.ledger', '=', 'bonus'),
    )
    .where('m.merchant_id', '=', ctx.merchantId);
}

/** A member without a loyalty row yet stands on the base tier (threshold 0), as its tier card says. */
const tierExpr = (ctx: Ctx) =>
  sql<string | null>`case when ml.member_id is null
    then (select t.id from tier t where t.merchant_id = ${ctx.merchantId} and t.threshold = 0)
    else ml.tier_id end`;
const pointsExpr = sql<number>`coalesce(pt.balance, 0)`;
const balanceExpr = sql<number>`coalesce(pr.balance, 0) + coalesce(bo.balance, 0)`;
const sortExpr = (sort: MemberSort) =>
  sort === 'points' ? pointsExpr : sort === 'balance' ? balanceExpr : sql<Date>`m.registered_at`;

type MemberQuery = ReturnType<typeof baseQuery>;

function applyFilters(
  q: MemberQuery,
  ctx: Ctx,
  query: ListMembersQuery,
  segment: SegmentQuery | undefined,
  secret?: string,
) {
  q = q.where('m.status', '=', query.status ?? 'active');
  if (query.store_id) q = q.where('m.home_store_id', '=', query.store_id);
  if (query.gender) q = q.where('m.gender', '=', query.gender);
  if (query.source_channel) q = q.where('m.source_channel', '=', query.source_channel);
  if (query.marketing_consent !== undefined)
    q = q.where('m.marketing_consent', '=', query.marketing_consent);
  if (query.birthday_month)
    q = q.where(sql`extract(month from m.birthday)`, '=', query.birthday_month);
  if (query.registered_from)
    q = q.where('m.registered_at', '>=', new Date(`${query.registered_from}T00:00:00Z`));
  if (query.registered_to)
    q = q.where('m.registered_at', '<', sql<Date>`${query.registered_to}::date + 1`);
  if (query.tier_id) q = q.where(tierExpr(ctx), '=', query.tier_id);
  if (query.points_min !== undefined) q = q.where(pointsExpr, '>=', query.points_min);
  if (query.points_max !== undefined) q = q.where(pointsExpr, '<=', query.points_max);
  if (query.balance_min_fen !== undefined) q = q.where(balanceExpr, '>=', query.balance_min_fen);
  if (query.balance_max_fen !== undefined) q = q.where(balanceExpr, '<=', query.balance_max_fen);
  q = applyMarketingFilters(q, ctx, query, segment);
  const text = query.q?.trim();
  return text ? applySearch(q, ctx, text, secret) : q;
}

/** What marketers filter on: tags (any of), a saved segment, RFM group, lifecycle, guide, ids. */
function applyMarketingFilters(
  q: MemberQuery,
  ctx: Ctx,
  query: ListMembersQuery,
  segment: SegmentQuery | undefined,
) {
  const m = ctx.merchantId;
  if (query.tag_ids) {
    const tagIds = query.tag_ids.split(',');
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('member_tag as mt')
          .select('mt.member_id')
          .where('mt.merchant_id', '=', m)
          .whereRef('mt.member_id', '=', 'm.id')
          .where('mt.tag_id', 'in', tagIds),
      ),
    );
  }
  if (query.rfm_group || query.lifecycle) {
    const { rfm_group, lifecycle } = query;
    q = q.where(({ exists, selectFrom }) => {
      let r = selectFrom('member_rfm as r')
        .select('r.member_id')
        .where('r.merchant_id', '=', m)
        .whereRef('r.member_id', '=', 'm.id');
      if (rfm_group) r = r.where('r.rfm_group', '=', rfm_group);
      if (lifecycle) r = r.where('r.lifecycle', '=', lifecycle);
      return exists(r);
    });
  }
  if (segment) q = q.where('m.id', 'in', segment);
  if (query.guide_id) q = q.where('m.guide_staff_id', '=', query.guide_id);
  if (query.ids) q = q.where('m.id', 'in', query.ids.split(','));
  return q;
}

/** The saved segment a filter names, as its member query; 404 naming segment_id. */
async function segmentOf(db: Db | Trx, ctx: Ctx, query: ListMembersQuery) {
  if (!query.segment_id) return undefined;
  const row = await getOwnRow(
    db,
    ctx,
    'segment',
    query.segment_id,
    'segment.not_found',
    'segment_id',
  );
  return segmentMembers(db, ctx, row.rule as SegmentRule);
}

/** The ids of the members a filter selects (the member list's filter), at most `cap` + 1. */
export async function filteredMemberIds(
  db: Db | Trx,
  ctx: Ctx,
  query: ListMembersQuery,
  cap: number,
) {
  const filtered = applyFilters(baseQuery(db, ctx), ctx, query, await segmentOf(db, ctx, query));
  const rows = await filtered
    .select('m.id')
    .orderBy('m.id')
    .limit(cap + 1)
    .execute();
  return rows.map((r) => r.id);
}

function applySearch(q: MemberQuery, ctx: Ctx, text: string, secret?: string) {
  if (secret && MEMBER_CODE.test(text)) {
    // a scanned member code finds its member; an expired or foreign one finds nobody
    const memberId = verifyMemberCode(text, ctx.merchantId, ctx.now, secret);
    return q.where('m.id', '=', memberId ?? '00000000-0000-0000-0000-000000000000');
  }
  const digits = text.replace(/[\s-]/g, '');
  // without members.pii digits are a card number only: a search must not confirm a phone
  // or rebuild a masked one tail by tail (the till's phone lookup is rate-limited and audited)
  if (/^\+?\d{4,}$/.test(digits) && !ctx.actor.permissions.has('members.pii'))
    return q.where('m.card_no', '=', digits);
  if (/^\+?\d{4,}$/.test(digits)) {
    const phone = normalizePhone(digits, true);
    return q.where((eb) =>
      eb.or([
        eb('m.phone', '=', phone ?? digits),
        eb('m.card_no', '=', digits),
        // a tail of a phone number, as cashiers often ask for the last four digits
        ...(digits.length <= 8 ? [eb('m.phone', 'like', `%${digits}`)] : []),
      ]),
    );
  }
  return q.where('m.name', 'like', `${text.replace(/[%_\\]/g, '\\$&')}%`);
}

/**
 * Members keyset-paginated on (sort key, id), newest or largest first by default. The total is
 * counted on the first page only: later pages of the same filter have the same total.
 */
export async function listMembers(db: Db, ctx: Ctx, query: ListMembersQuery, secret?: string) {
  const limit = query.limit ?? 50;
  const sort = query.sort ?? 'registered_at';
  const desc = (query.order ?? 'desc') === 'desc';
  const segment = await segmentOf(db, ctx, query);
  const filtered = applyFilters(baseQuery(db, ctx), ctx, query, segment, secret);
  let q = filtered
    .selectAll('m')
    .select([tierExpr(ctx).as('tier_id'), pointsExpr.as('points'), balanceExpr.as('balance_fen')]);
  if (query.cursor) {
    const c = decodeCursor(query.cursor, sort);
    const value = sort === 'registered_at' ? new Date(c.v) : c.v;
    q = q.where(
      sql<boolean>`(${sortExpr(sort)}, m.id) ${sql.raw(desc ? '<' : '>')} (${value}, ${c.id})`,
    );
  }
  const direction = desc ? 'desc' : 'asc';
  const [rows, total] = await Promise.all([
    q
      .orderBy(sortExpr(sort), direction)
      .orderBy('m.id', direction)
      .limit(limit + 1)
      .execute(),
    query.cursor
      ? null
      : filtered
          .select(sql<string>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n)),
  ]);
  const items = rows.slice(0, limit).map((r) => ({
    ...r,
    points: Number(r.points),
    balance_fen: Number(r.balance_fen),
  }));
  const last = items.at(-1);
  const next =
    rows.length > limit && last ? encodeCursor({ v: sortValue(last, sort), id: last.id }) : null;
  return { items, next_cursor: next, total };
}

function sortValue(row: MemberRow & { points: number; balance_fen: number }, sort: MemberSort) {
  if (sort === 'points') return row.points;
  if (sort === 'balance') return row.balance_fen;
  return row.registered_at.toISOString();
}

/** Finds one member by phone, card number, channel identity or dynamic member code. */
export async function lookupMember(
  db: Db,
  ctx: Ctx,
  query: LookupQuery,
  secret: string,
): Promise<MemberRow> {
  const base = db
    .selectFrom('member')
    .selectAll('member')
    .where('member.merchant_id', '=', ctx.merchantId);
  let found: MemberRow | undefined;
  if (query.phone !== undefined) {
    // a foreign number can only be found where it could have been registered: no setting to read
    const phone = normalizePhone(query.phone, true);
    if (!phone) throw new DomainError('member.phone_invalid', { field: 'phone' });
    if (!ctx.actor.permissions.has('members.pii')) await recordPhoneLookup(db, ctx, phone);
    found = await base.where('member.phone', '=', phone).executeTakeFirst();
  } else if (query.card_no !== undefined) {
    const cardNo = query.card_no.replace(/\s/g, '');
    found = await base.where('member.card_no', '=', cardNo).executeTakeFirst();
    // a legacy card number imported as an identity still finds its member
    if (!found) found = await byIdentity(db, ctx, 'legacy_card', cardNo);
  } else if (query.code !== undefined) {
    const memberId = verifyMemberCode(query.code, ctx.merchantId, ctx.now, secret);
    if (!memberId) throw new DomainError('member.code_invalid', { field: 'code' });
    found = await base.where('member.id', '=', memberId).executeTakeFirst();
  } else if (query.identity_kind !== undefined && query.identity_value !== undefined) {
    found = await byIdentity(db, ctx, query.identity_kind, query.identity_value);
  } else {
    throw new DomainError('request.invalid', { field: 'phone' });
  }
  if (!found) throw new DomainError('member.not_found');
  // a merged record answers with the member it became
  if (found.status === 'merged' && found.merged_into_id) {
    return base.where('member.id', '=', found.merged_into_id).executeTakeFirstOrThrow();
  }
  return found;
}

async function byIdentity(
  db: Db,
  ctx: Ctx,
  kind: LookupQuery['identity_kind'] & string,
  value: string,
) {
  return db
    .selectFrom('member_identity as i')
    .innerJoin('member', (j) =>
      j.onRef('member.merchant_id', '=', 'i.merchant_id').onRef('member.id', '=', 'i.member_id'),
    )
    .selectAll('member')
    .where('i.merchant_id', '=', ctx.merchantId)
    .where('i.kind', '=', kind)
    .where('i.value', '=', value.trim())
    .executeTakeFirst();
}
