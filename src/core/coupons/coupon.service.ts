import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { decodeTimeCursor, timePage } from '../../lib/keyset.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { couponWindow, validateTemplate } from './coupon.rules.ts';
import type { CouponTemplate, CouponTemplateBody } from './coupon.schema.ts';
import type { CouponRefType, CouponRow, CouponTemplateRow } from './coupon.table.ts';
import { refusalOf } from './coupon-redeem.service.ts';

/** A template row as the API and the pure rules read it. */
export const templateOf = (row: CouponTemplateRow): CouponTemplate & { active: boolean } => ({
  id: row.id,
  name: row.name,
  ...row.definition,
  total_stock: row.total_stock,
  per_member_limit: row.per_member_limit,
  active: row.active,
});

export async function createTemplate(
  trx: Trx,
  ctx: Ctx,
  input: CouponTemplateBody,
): Promise<CouponTemplateRow> {
  const { name, total_stock, per_member_limit, ...definition } = validateTemplate(input);
  const row = await trx
    .insertInto('coupon_template')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      name: name.trim(),
      kind: definition.benefit.kind,
      definition: JSON.stringify(definition),
      total_stock,
      per_member_limit,
      active: true,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'coupon.template_create',
    entityType: 'coupon_template',
    entityId: row.id,
    after: input,
  });
  return row;
}

export const listTemplates = (db: Db, ctx: Ctx): Promise<CouponTemplateRow[]> =>
  db
    .selectFrom('coupon_template')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();

// Crockford base32 without I, L, O, U: read aloud and typed at a till without confusion.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 characters of 5 random bits each: 80 bits, not to be guessed. */
export function newCouponCode(): string {
  const bytes = randomBytes(16);
  let code = '';
  for (const b of bytes) code += ALPHABET[b & 31];
  return code;
}

export interface IssueInput {
  template_id: string;
  member_id: string;
  /** the channel: staff, claim, mall, recharge_pack, membership, new_member, campaign … */
  via: string;
  /** what issued it (a mall redemption, a recharge), so cancelling that voids its coupons */
  ref?: { type: CouponRefType; id: string } | undefined;
  /** why staff granted it */
  reason?: string | undefined;
}

/**
 * The one way a coupon comes into being, whatever the channel. The template row is locked, so
 * stock and the per-member limit are counted by one issuer at a time.
 */
export async function issueCoupon(trx: Trx, ctx: Ctx, input: IssueInput): Promise<CouponRow> {
  const template = await lockOwnRow(
    trx,
    ctx,
    'coupon_template',
    input.template_id,
    'coupon.template_not_found',
    'template_id',
  );
  if (!template.active) throw new DomainError('coupon.template_inactive', {});
  await getOwnRow(trx, ctx, 'member', input.member_id, 'member.not_found', 'member_id');
  if (template.per_member_limit !== null) {
    const { held } = await trx
      .selectFrom('coupon')
      .select((eb) => eb.fn.countAll<number>().as('held'))
      .where('merchant_id', '=', ctx.merchantId)
      .where('template_id', '=', template.id)
      .where('member_id', '=', input.member_id)
      .executeTakeFirstOrThrow();
    if (Number(held) >= template.per_member_limit)
      throw new DomainError('coupon.claim_limit', { params: { limit: template.per_member_limit } });
  }
  const counted = await trx
    .updateTable('coupon_template')
    .set({ issued: sql`issued + 1`, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', template.id)
    .where((eb) => eb.or([eb('total_stock', 'is', null), eb('issued', '<', eb.ref('total_stock'))]))
    .returning('issued')
    .executeTakeFirst();
  if (!counted)
    throw new DomainError('coupon.out_of_stock', {
      params: { total_stock: template.total_stock },
    });
  const { time_zone } = await getMerchant(trx, ctx);
  const window = couponWindow(template.definition.validity, ctx.now, time_zone);
  const benefit = template.definition.benefit;
  const coupon = await trx
    .insertInto('coupon')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      template_id: template.id,
      member_id: input.member_id,
      code: newCouponCode(),
      status: 'issued',
      uses_left: benefit.kind === 'count_card' ? benefit.uses : 1,
      ...window,
      issued_via: input.via,
      issued_by: ctx.actor.id,
      ref_type: input.ref?.type ?? null,
      ref_id: input.ref?.id ?? null,
      reason: input.reason ?? null,
      redeemed_at: null,
      redeemed_store_id: null,
      redeemed_by: null,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'coupon.issue',
    entityType: 'coupon',
    entityId: coupon.id,
    after: {
      template_id: template.id,
      member_id: input.member_id,
      via: input.via,
      reason: input.reason ?? null,
    },
  });
  return coupon;
}

/** An issued coupon can be voided (a mistaken grant); a used one cannot. */
export async function voidCoupon(trx: Trx, ctx: Ctx, id: string): Promise<CouponRow> {
  const coupon = await lockOwnRow(trx, ctx, 'coupon', id, 'coupon.not_found');
  if (coupon.status !== 'issued') throw refusalOf(coupon, ctx.now);
  const voided = await trx
    .updateTable('coupon')
    .set({ status: 'void' })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'coupon.void',
    entityType: 'coupon',
    entityId: id,
    before: { status: coupon.status },
    after: { status: 'void' },
  });
  return voided;
}

export async function listMemberCoupons(
  db: Db,
  ctx: Ctx,
  memberId: string,
  filter: {
    status?: CouponRow['status'] | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
): Promise<{ items: CouponRow[]; next_cursor: string | null }> {
  await getOwnRow(db, ctx, 'member', memberId, 'member.not_found');
  const limit = filter.limit ?? 100;
  let query = db
    .selectFrom('coupon')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.cursor) {
    const after = decodeTimeCursor(filter.cursor);
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return timePage(await query.execute(), limit);
}
