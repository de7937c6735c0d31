import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { randomToken, sha256 } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { arriveByShareLink } from '../referral/referral-claim.service.ts';
import { recordInteraction } from '../tags/member-tag.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';

/** A member stays signed in on their phone this long. */
export const MEMBER_SESSION_DAYS = 30;
export const MEMBER_TOKEN_PREFIX = 'ms_';

export const memberTokenHash = (token: string): string => sha256(token);

export interface MemberSession {
  token_hash: string;
  merchant_id: string;
  phone: string;
  /** the member the phone is now (a merged record answers for its survivor), or null */
  member_id: string | null;
  store_id: string | null;
  expires_at: Date;
}

/** Opens a session for a phone that just proved itself; the token is returned once. */
export async function openMemberSession(
  trx: Trx,
  ctx: Ctx,
  input: {
    phone: string;
    store_id?: string | null | undefined;
    share_code?: string | undefined;
  },
): Promise<{ token: string; expires_at: Date; member_id: string | null }> {
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  const token = `${MEMBER_TOKEN_PREFIX}${randomToken()}`;
  const expiresAt = new Date(ctx.now.getTime() + MEMBER_SESSION_DAYS * 86_400_000);
  // sessions of this phone that ended are deleted here, a few at a time
  await trx
    .deleteFrom('member_session')
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', input.phone)
    .where('expires_at', '<=', ctx.now)
    .execute();
  const member = await memberOfPhone(trx, ctx, input.phone);
  await trx
    .insertInto('member_session')
    .values({
      token_hash: memberTokenHash(token),
      merchant_id: ctx.merchantId,
      phone: input.phone,
      member_id: member ?? null,
      store_id: input.store_id ?? null,
      expires_at: expiresAt,
      created_at: ctx.now,
    })
    .execute();
  // feeds the merchant's interaction tags for signing in on the member page
  if (member) await recordInteraction(trx, ctx, member, 'sign_in');
  if (member && input.share_code)
    await arriveByShareLink(trx, ctx, {
      code: input.share_code,
      member_id: member,
      store_id: input.store_id ?? null,
      claimed: false,
    });
  return { token, expires_at: expiresAt, member_id: member ?? null };
}

/** The active member (or the survivor of a merged one) holding this phone. */
export async function memberOfPhone(db: Db | Trx, ctx: Ctx, phone: string) {
  const row = await db
    .selectFrom('member')
    .select(['id', 'merged_into_id', 'status'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.merged_into_id ?? (row.status === 'active' ? row.id : undefined);
}

/**
 * The session of a token, whatever its age, with the member its phone is now: a session opened
 * before the phone became a member (at the till, by a claim) finds the member by phone.
 */
export async function findMemberSession(db: Db, hash: string): Promise<MemberSession | undefined> {
  const { rows } = await sql<MemberSession>`
    select s.token_hash, s.merchant_id, s.phone, s.store_id, s.expires_at,
      coalesce(m.merged_into_id, m.id, p.merged_into_id, p.id) as member_id
    from member_session s
    left join member m on m.merchant_id = s.merchant_id and m.id = s.member_id
    left join member p on s.member_id is null and p.merchant_id = s.merchant_id
      and p.phone = s.phone and p.status <> 'erased'
    where s.token_hash = ${hash}`.execute(db);
  return rows[0];
}

/** A phone-only session becomes the member's (a claim made the phone a member). */
export async function bindMemberSession(
  trx: Trx,
  ctx: Ctx,
  hash: string,
  memberId: string,
): Promise<void> {
  await trx
    .updateTable('member_session')
    .set({ member_id: memberId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('token_hash', '=', hash)
    .execute();
}

export async function endMemberSession(db: Db, ctx: Ctx, hash: string): Promise<void> {
  await db
    .deleteFrom('member_session')
    .where('merchant_id', '=', ctx.merchantId)
    .where('token_hash', '=', hash)
    .execute();
}
