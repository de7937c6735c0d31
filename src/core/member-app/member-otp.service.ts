import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { parsePhone } from '../members/member.service.ts';
import { enqueueMessage } from '../messaging/outbox.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { MemberOtpRow, OtpPurpose } from './member-app.table.ts';

export const CODE_MINUTES = 5;
export const MAX_CODE_TRIES = 5;
export const LOCK_MINUTES = 15;
export const RESEND_SECONDS = 60;
export const CODES_PER_DAY = 10;

const codeHash = (challengeId: string, code: string) => sha256(`${challengeId}:${code}`);
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const secondsUntil = (now: Date, at: Date) =>
  Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));

/** The lock a fifth wrong code put on the phone, if it still holds. */
async function lockOf(db: Db | Trx, ctx: Ctx, phone: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('member_otp')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', phone)
    .where('locked_until', '>', ctx.now)
    .executeTakeFirst();
  return row?.until ?? undefined;
}

function refuseIfLocked(ctx: Ctx, until: Date | undefined) {
  if (until)
    throw new DomainError('member_app.code_locked', {
      field: 'code',
      params: { retry_after_seconds: secondsUntil(ctx.now, until) },
    });
}

/**
 * Sends a one-time code to a phone through the outbox (SMS, a service message: it goes even to
 * a member who opted out of marketing). One code a phone per minute and ten a day; a phone
 * locked by wrong codes gets none. Concurrent asks for one phone are serialized by an
 * advisory lock, so the minute is counted right.
 */
export async function requestCode(
  trx: Trx,
  ctx: Ctx,
  input: { phone: string; purpose: OtpPurpose },
): Promise<{ challenge_id: string; expires_at: Date; resend_after_seconds: number }> {
  const phone = parsePhone(await getMerchant(trx, ctx), input.phone);
  await sql`select pg_advisory_xact_lock(hashtext(${`otp:${ctx.merchantId}:${phone}`}))`.execute(
    trx,
  );
  refuseIfLocked(ctx, await lockOf(trx, ctx, phone));
  const recent = await trx
    .selectFrom('member_otp')
    .select([(eb) => eb.fn.max('created_at').as('last'), (eb) => eb.fn.countAll<string>().as('n')])
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', phone)
    .where('created_at', '>', ago(ctx.now, 86_400_000))
    .executeTakeFirstOrThrow();
  if (recent.last && recent.last > ago(ctx.now, RESEND_SECONDS * 1000))
    throw new DomainError('member_app.code_too_soon', {
      field: 'phone',
      params: {
        retry_after_seconds: secondsUntil(
          ctx.now,
          new Date(recent.last.getTime() + RESEND_SECONDS * 1000),
        ),
      },
    });
  if (Number(recent.n) >= CODES_PER_DAY)
    throw new DomainError('member_app.code_daily_limit', {
      field: 'phone',
      params: { limit: CODES_PER_DAY },
    });
  const id = newId();
  const code = String(randomInt(1_000_000)).padStart(6, '0');
  const expiresAt = new Date(ctx.now.getTime() + CODE_MINUTES * 60_000);
  await trx
    .insertInto('member_otp')
    .values({
      merchant_id: ctx.merchantId,
      id,
      phone,
      purpose: input.purpose,
      code_hash: codeHash(id, code),
      expires_at: expiresAt,
      locked_until: null,
      consumed_at: null,
      created_at: ctx.now,
    })
    .execute();
  await enqueueMessage(trx, ctx, {
    phone,
    channel: 'sms',
    purpose: 'service',
    template: 'otp',
    vars: { code, minutes: CODE_MINUTES },
    dedupe_key: `otp:${id}`,
  });
  return { challenge_id: id, expires_at: expiresAt, resend_after_seconds: RESEND_SECONDS };
}

type Check = { ok: true; row: MemberOtpRow } | { ok: false; error: DomainError };

/**
 * Uses the phone's latest code of this purpose, once. A wrong code counts in its own committed
 * transaction (a refusal must still count), and the fifth wrong one locks the phone for
 * LOCK_MINUTES; an expired, used or superseded code is refused without counting.
 */
export async function consumeCode(
  db: Db,
  ctx: Ctx,
  input: { phone: string; purpose: OtpPurpose; code: string },
): Promise<{ phone: string }> {
  const phone = parsePhone(await getMerchant(db, ctx), input.phone);
  const check = await db.transaction().execute(async (trx): Promise<Check> => {
    const until = await lockOf(trx, ctx, phone);
    if (until)
      return {
        ok: false,
        error: new DomainError('member_app.code_locked', {
          field: 'code',
          params: { retry_after_seconds: secondsUntil(ctx.now, until) },
        }),
      };
    const row = await trx
      .selectFrom('member_otp')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('phone', '=', phone)
      .where('purpose', '=', input.purpose)
      .orderBy('created_at', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!row)
      return { ok: false, error: new DomainError('member_app.code_wrong', { field: 'code' }) };
    if (row.consumed_at)
      return { ok: false, error: new DomainError('member_app.code_used', { field: 'code' }) };
    if (row.expires_at <= ctx.now)
      return { ok: false, error: new DomainError('member_app.code_expired', { field: 'code' }) };
    if (row.code_hash !== codeHash(row.id, input.code)) return wrongTry(trx, ctx, row);
    await trx
      .updateTable('member_otp')
      .set({ consumed_at: ctx.now })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', row.id)
      .execute();
    return { ok: true, row };
  });
  if (!check.ok) throw check.error;
  return { phone };
}

async function wrongTry(trx: Trx, ctx: Ctx, row: MemberOtpRow): Promise<Check> {
  const attempts = row.attempts + 1;
  const locked = attempts >= MAX_CODE_TRIES;
  const lockedUntil = locked ? new Date(ctx.now.getTime() + LOCK_MINUTES * 60_000) : null;
  await trx
    .updateTable('member_otp')
    .set({ attempts, locked_until: lockedUntil, ...(locked ? { consumed_at: ctx.now } : {}) })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', row.id)
    .execute();
  const error = locked
    ? new DomainError('member_app.code_locked', {
        field: 'code',
        params: { retry_after_seconds: LOCK_MINUTES * 60 },
      })
    : new DomainError('member_app.code_wrong', {
        field: 'code',
        params: { tries_left: MAX_CODE_TRIES - attempts },
      });
  return { ok: false, error };
}
