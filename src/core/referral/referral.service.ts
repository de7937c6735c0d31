import { randomInt } from 'node:crypto';
import QRCode from 'qrcode';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { withinBindingWindow } from './referral.rules.ts';
import type { ReferralSettingPatch } from './referral.schema.ts';
import type { ReferralSettingRow } from './referral.table.ts';
import { type Bound, bindPending, wouldLoop } from './referral-binding.service.ts';

const DEFAULTS = {
  active: false,
  bind_on: 'first_payment',
  binding_window_days: 30,
  rule: 'first_order_percent',
  fixed_fen: 0,
  percent_bp: 0,
  rule_days: 30,
  payout: 'ledger',
  points_per_yuan: 1,
} as const;

export async function getReferralSetting(db: Db | Trx, ctx: Ctx) {
  const row = await db
    .selectFrom('referral_setting')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .executeTakeFirst();
  return presentSetting(row ?? { ...DEFAULTS, merchant_id: ctx.merchantId, updated_at: ctx.now });
}

const presentSetting = ({ merchant_id: _m, ...rest }: ReferralSettingRow) => rest;

export async function updateReferralSetting(trx: Trx, ctx: Ctx, input: ReferralSettingPatch) {
  const before = await getReferralSetting(trx, ctx);
  const changes = pickDefined(input, {
    active: true,
    bind_on: true,
    binding_window_days: true,
    rule: true,
    fixed_fen: true,
    percent_bp: true,
    rule_days: true,
    payout: true,
    points_per_yuan: true,
  });
  const row = await trx
    .insertInto('referral_setting')
    .values({ ...DEFAULTS, ...changes, merchant_id: ctx.merchantId, updated_at: ctx.now })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...changes, updated_at: ctx.now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'referral.setting',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before,
    after: presentSetting(row),
  });
  return presentSetting(row);
}

// no 0/O, 1/I/L: read aloud and typed from a poster; 8 of 31 ≈ 40 bits, drawn by crypto
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const newCode = () =>
  Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** The member's share code (made on first ask), its link and the link as a QR code. */
export async function shareOf(trx: Trx, ctx: Ctx, memberId: string) {
  await lockActiveMember(trx, ctx, memberId);
  const code = (await existingCode(trx, ctx, memberId)) ?? (await mintCode(trx, ctx, memberId));
  const path = `/r/${code}`;
  const qr_svg = await QRCode.toString(path, { type: 'svg', margin: 1 });
  return { member_id: memberId, code, path, qr_svg };
}

const existingCode = async (db: Db | Trx, ctx: Ctx, memberId: string) =>
  (
    await db
      .selectFrom('referral_code')
      .select('code')
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', memberId)
      .executeTakeFirst()
  )?.code;

async function mintCode(trx: Trx, ctx: Ctx, memberId: string): Promise<string> {
  // a collision (one in a trillion per pair) draws again
  for (;;) {
    const row = await trx
      .insertInto('referral_code')
      .values({
        merchant_id: ctx.merchantId,
        member_id: memberId,
        code: newCode(),
        created_at: ctx.now,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('code')
      .executeTakeFirst();
    if (row) return row.code;
  }
}

/**
 * A new customer arrived through a share link: the binding waits for the merchant's binding
 * event (first claim or first payment). The first sharer wins; the same invitation again
 * answers the same binding.
 */
export async function inviteByCode(trx: Trx, ctx: Ctx, input: { code: string; member_id: string }) {
  const member = await lockActiveMember(trx, ctx, input.member_id, 'member_id');
  const sharer = await trx
    .selectFrom('referral_code')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('code', '=', input.code.toUpperCase())
    .executeTakeFirst();
  if (!sharer) throw new DomainError('referral.code_not_found', { field: 'code' });
  if (sharer.member_id === member.id)
    throw new DomainError('referral.self_referral', { field: 'code' });
  const existing = await bindingOf(trx, ctx, member.id);
  if (existing?.referrer_id === sharer.member_id) return existing;
  if (existing || member.referrer_id)
    throw new DomainError('referral.already_bound', { field: 'member_id' });
  const setting = await getReferralSetting(trx, ctx);
  if (!withinBindingWindow(member.registered_at, ctx.now, setting.binding_window_days))
    throw new DomainError('referral.not_new_customer', { field: 'member_id' });
  if (await wouldLoop(trx, ctx, member.id, sharer.member_id))
    throw new DomainError('referral.loop', { field: 'code' });
  const row = await trx
    .insertInto('referral_binding')
    .values({
      merchant_id: ctx.merchantId,
      member_id: member.id,
      referrer_id: sharer.member_id,
      status: 'pending',
      invited_at: ctx.now,
      bound_at: null,
      bound_via: null,
      store_id: null,
      first_order_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'referral.invite',
    entityType: 'member',
    entityId: member.id,
    after: { referrer_id: sharer.member_id },
  });
  return presentBinding(row);
}

/**
 * The member claimed a shared coupon or card: binds a pending invitation when the merchant
 * binds on claim. For the claim channels (coupons) to call inside their transaction.
 */
export async function bindOnClaim(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  storeId: string | null,
): Promise<Bound | null> {
  const setting = await trx
    .selectFrom('referral_setting')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!setting) return null;
  return bindPending(trx, ctx, setting, memberId, { via: 'claim', store_id: storeId });
}

export async function bindingOf(db: Db | Trx, ctx: Ctx, memberId: string) {
  await getMemberRow(db, ctx, memberId, 'member_id');
  const row = await db
    .selectFrom('referral_binding')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return row ? presentBinding(row) : null;
}

const presentBinding = (row: {
  member_id: string;
  referrer_id: string;
  status: 'pending' | 'bound';
  invited_at: Date;
  bound_at: Date | null;
  bound_via: string | null;
}) => ({
  member_id: row.member_id,
  referrer_id: row.referrer_id,
  status: row.status,
  invited_at: row.invited_at,
  bound_at: row.bound_at,
  bound_via: row.bound_via,
});
