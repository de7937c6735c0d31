import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { hashSecret, verifySecret } from '../../lib/secrets.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { type MemberCodeClaim, readMemberCode } from '../members/member-code.ts';
import {
  afterWrongTry,
  checkPasswordStrength,
  isLocked,
  MAX_WRONG_TRIES,
} from './payment-password.rules.ts';
import type { PaymentAuth } from './wallet.table.ts';
import { getWalletSetting } from './wallet-setting.service.ts';

export type IdentityCheckMethod = 'id_document' | 'phone_code' | 'in_person';

export interface PasswordStatus {
  set: boolean;
  locked_until: Date | null;
  tries_left: number;
}

export async function getPasswordStatus(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<PasswordStatus> {
  const row = await db
    .selectFrom('payment_password')
    .select(['failed_tries', 'locked_until'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (!row) return { set: false, locked_until: null, tries_left: MAX_WRONG_TRIES };
  const locked = isLocked(row, ctx.now);
  return {
    set: true,
    locked_until: locked ? row.locked_until : null,
    tries_left: locked ? 0 : MAX_WRONG_TRIES - row.failed_tries,
  };
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'not_set' }
  | { kind: 'locked'; locked_until: Date }
  | { kind: 'wrong'; tries_left: number };

/**
 * Checks a member's payment password, in a transaction of its own that commits (so it takes
 * `db`, never a caller's `trx`): the count of wrong tries is committed before the refusal is
 * thrown, so a refused payment (which rolls back) still
 * counts, and the lock outlives restarts. The row stays locked during the hash check, so
 * parallel guesses are counted one after another.
 */
export async function verifyPaymentPasswordCommittingTries(
  db: Db,
  ctx: Ctx,
  memberId: string,
  password: string,
  field = 'payment_password',
): Promise<void> {
  const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
    const row = await trx
      .selectFrom('payment_password')
      .select(['password_hash', 'failed_tries', 'locked_until'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', memberId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { kind: 'not_set' };
    if (isLocked(row, ctx.now)) return { kind: 'locked', locked_until: row.locked_until! };
    if (await verifySecret(row.password_hash, password)) {
      if (row.failed_tries > 0) await saveTries(trx, ctx, memberId, 0, null);
      return { kind: 'ok' };
    }
    const next = afterWrongTry(row, ctx.now);
    await saveTries(trx, ctx, memberId, next.failed_tries, next.locked_until);
    await recordAudit(trx, ctx, {
      action: next.locked ? 'payment_password.locked' : 'payment_password.wrong',
      entityType: 'member',
      entityId: memberId,
      after: { tries_left: next.tries_left, locked_until: next.locked_until },
    });
    return next.locked
      ? { kind: 'locked', locked_until: next.locked_until! }
      : { kind: 'wrong', tries_left: next.tries_left };
  });
  switch (outcome.kind) {
    case 'ok':
      return;
    case 'not_set':
      await getMemberRow(db, ctx, memberId); // 404 for a member of another merchant
      throw new DomainError('payment_password.not_set', { field });
    case 'locked':
      throw new DomainError('payment_password.locked', {
        field,
        params: { locked_until: outcome.locked_until.toISOString() },
      });
    case 'wrong':
      throw new DomainError('payment_password.wrong', {
        field,
        params: { tries_left: outcome.tries_left },
      });
  }
}

async function saveTries(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  failedTries: number,
  lockedUntil: Date | null,
) {
  await trx
    .updateTable('payment_password')
    .set({ failed_tries: failedTries, locked_until: lockedUntil, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .execute();
}

/** How a payment was authorised; a member code's claim is spent by the payment (once). */
export interface WalletAuth {
  method: PaymentAuth;
  code?: MemberCodeClaim;
}

export const authMethodOf = (input: {
  payment_password?: string | undefined;
  member_code?: string | undefined;
}): PaymentAuth =>
  input.payment_password !== undefined
    ? 'password'
    : input.member_code !== undefined
      ? 'member_code'
      : 'none';

/**
 * How a balance payment is authorised, checked before the payment's own transaction:
 * the payment password, or (where the merchant allows it) a valid dynamic member code of this
 * member, or nothing; the payment then decides whether nothing is enough.
 */
export async function authorizeWalletPayment(
  db: Db,
  ctx: Ctx,
  memberId: string,
  input: { payment_password?: string | undefined; member_code?: string | undefined },
  secret: string,
): Promise<WalletAuth> {
  if (input.payment_password !== undefined) {
    await verifyPaymentPasswordCommittingTries(db, ctx, memberId, input.payment_password);
    return { method: 'password' };
  }
  if (input.member_code !== undefined) {
    const setting = await getWalletSetting(db, ctx);
    if (!setting.member_code_as_password)
      throw new DomainError('payment_password.member_code_not_allowed', { field: 'member_code' });
    const claim = readMemberCode(input.member_code, ctx.merchantId, ctx.now, secret);
    if (claim?.member_id !== memberId)
      throw new DomainError('member.code_invalid', { field: 'member_code' });
    return { method: 'member_code', code: claim };
  }
  return { method: 'none' };
}

/**
 * Changes the password given the old one (a wrong old one counts as a try), or sets the first
 * one. A first password lets whoever knows it spend the balance, so only the member's own
 * channel (`members.code`) sets it here; at the till a manager sets it through the audited
 * reset after checking who the member is.
 */
export async function setPaymentPassword(
  db: Db,
  ctx: Ctx,
  memberId: string,
  input: { password: string; old_password?: string | undefined },
): Promise<PasswordStatus> {
  checkPasswordStrength(input.password);
  await getMemberRow(db, ctx, memberId);
  const status = await getPasswordStatus(db, ctx, memberId);
  if (!status.set && !ctx.actor.permissions.has('members.code'))
    throw new DomainError('payment_password.first_needs_member', {
      params: { permission: 'wallet.password_reset' },
    });
  if (status.set) {
    if (input.old_password === undefined)
      throw new DomainError('payment_password.required', { field: 'old_password' });
    await verifyPaymentPasswordCommittingTries(
      db,
      ctx,
      memberId,
      input.old_password,
      'old_password',
    );
  }
  const hash = await hashSecret(input.password);
  return db.transaction().execute(async (trx) => {
    await lockActiveMember(trx, ctx, memberId);
    const values = {
      password_hash: hash,
      failed_tries: 0,
      locked_until: null,
      updated_at: ctx.now,
    };
    const query = trx
      .insertInto('payment_password')
      .values({ merchant_id: ctx.merchantId, member_id: memberId, ...values })
      .onConflict((oc) => {
        const key = oc.columns(['merchant_id', 'member_id']);
        return status.set ? key.doUpdateSet(values) : key.doNothing();
      });
    const written = await query.returning('member_id').executeTakeFirst();
    // someone else set a first password meanwhile: this request must now prove the old one
    if (!written) throw new DomainError('payment_password.required', { field: 'old_password' });
    await recordAudit(trx, ctx, {
      action: status.set ? 'payment_password.change' : 'payment_password.set',
      entityType: 'member',
      entityId: memberId,
    });
    return getPasswordStatus(trx, ctx, memberId);
  });
}

/**
 * Staff reset a forgotten password after checking who the member is; the check is recorded
 * in the audit log (how, and a reference such as the last digits of the ID shown, never the
 * whole number). A reset also lifts a lock.
 */
export async function resetPaymentPassword(
  db: Db,
  ctx: Ctx,
  memberId: string,
  input: { password: string; identity_check: { method: IdentityCheckMethod; reference: string } },
): Promise<PasswordStatus> {
  checkPasswordStrength(input.password);
  const reference = input.identity_check.reference.trim();
  if (!reference) throw new DomainError('request.invalid', { field: 'identity_check.reference' });
  const hash = await hashSecret(input.password);
  return db.transaction().execute(async (trx) => {
    await lockActiveMember(trx, ctx, memberId);
    const values = {
      password_hash: hash,
      failed_tries: 0,
      locked_until: null,
      updated_at: ctx.now,
    };
    await trx
      .insertInto('payment_password')
      .values({ merchant_id: ctx.merchantId, member_id: memberId, ...values })
      .onConflict((oc) => oc.columns(['merchant_id', 'member_id']).doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      action: 'payment_password.reset',
      entityType: 'member',
      entityId: memberId,
      after: { identity_check: { method: input.identity_check.method, reference } },
    });
    return getPasswordStatus(trx, ctx, memberId);
  });
}

export type MergedPassword = 'moved' | 'survivor_kept' | 'none';

/**
 * For a member merge: the survivor keeps its own payment password, and the merged record's
 * stops working; a survivor without one takes the merged record's, with its tries and lock
 * (a lock cannot be shed by merging). The caller holds both member locks.
 */
export async function movePaymentPassword(
  trx: Trx,
  ctx: Ctx,
  mergedId: string,
  survivorId: string,
): Promise<MergedPassword> {
  const rows = await trx
    .selectFrom('payment_password')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', 'in', [mergedId, survivorId])
    .execute();
  const has = (id: string) => rows.some((r) => r.member_id === id);
  if (!has(mergedId)) return has(survivorId) ? 'survivor_kept' : 'none';
  if (has(survivorId)) {
    await trx
      .deleteFrom('payment_password')
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', mergedId)
      .execute();
    return 'survivor_kept';
  }
  await trx
    .updateTable('payment_password')
    .set({ member_id: survivorId, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', mergedId)
    .execute();
  return 'moved';
}
