import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { Ctx } from '../context.ts';
import type { ListMembersQuery, LookupQuery } from './member.schema.ts';
import type { MemberRow } from './member.table.ts';
import { verifyMemberCode } from './member-code.ts';
import { recordPhoneLookup } from './phone-lookup.service.ts';

interface Cursor {
  at: string;
  id: string;
}

const encodeCursor = (m: MemberRow): string =>
  Buffer.from(
    JSON.stringify({ at: m.registered_at.toISOString(), id: m.id } satisfies Cursor),
  ).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    if (
      typeof cursor.at === 'string' &&
      typeof cursor.id === 'string' &&
      !Number.isNaN(Date.parse(cursor.at))
    )
      return cursor;
  } catch {}
  throw new DomainError('member.cursor_invalid', { field: 'cursor' });
}

/** Newest members first, keyset-paginated on (registered_at, id). */
export async function listMembers(db: Db, ctx: Ctx, query: ListMembersQuery) {
  const limit = query.limit ?? 50;
  let q = db.selectFrom('member').selectAll().where('merchant_id', '=', ctx.merchantId);
  q = q.where('status', '=', query.status ?? 'active');
  if (query.store_id) q = q.where('home_store_id', '=', query.store_id);
  if (query.gender) q = q.where('gender', '=', query.gender);
  if (query.source_channel) q = q.where('source_channel', '=', query.source_channel);
  if (query.marketing_consent !== undefined)
    q = q.where('marketing_consent', '=', query.marketing_consent);
  if (query.birthday_month)
    q = q.where(sql`extract(month from birthday)`, '=', query.birthday_month);
  if (query.registered_from)
    q = q.where('registered_at', '>=', new Date(`${query.registered_from}T00:00:00Z`));
  if (query.registered_to)
    q = q.where('registered_at', '<', sql<Date>`${query.registered_to}::date + 1`);
  const text = query.q?.trim();
  if (text) {
    const digits = text.replace(/[\s-]/g, '');
    // without members.pii digits are a card number only: a search must not confirm a phone
    // or rebuild a masked one tail by tail (the till's phone lookup is rate-limited and audited)
    if (/^\+?\d{4,}$/.test(digits) && !ctx.actor.permissions.has('members.pii')) {
      q = q.where('card_no', '=', digits);
    } else if (/^\+?\d{4,}$/.test(digits)) {
      const phone = normalizePhone(digits, true);
      q = q.where((eb) =>
        eb.or([
          eb('phone', '=', phone ?? digits),
          eb('card_no', '=', digits),
          // a tail of a phone number, as cashiers often ask for the last four digits
          ...(digits.length <= 8 ? [eb('phone', 'like', `%${digits}`)] : []),
        ]),
      );
    } else {
      q = q.where('name', 'like', `${text.replace(/[%_\\]/g, '\\$&')}%`);
    }
  }
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb(eb.refTuple('registered_at', 'id'), '<', eb.tuple(new Date(c.at), c.id)),
    );
  }
  const rows = await q
    .orderBy('registered_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
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
