import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { emitEvent, emitEvents } from '../webhooks/webhook-event.service.ts';
import { couponWindow, validateTemplate } from './coupon.rules.ts';
import type { CouponTemplate, CouponTemplateBody, TemplatePatchBody } from './coupon.schema.ts';
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
  const { name, total_stock, per_member_limit, member_claimable, ...definition } =
    validateTemplate(input);
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
      member_claimable: member_claimable ?? false,
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

/** Settings that leave held coupons as they are (today: whether members claim it themselves). */
export async function patchTemplate(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: TemplatePatchBody,
): Promise<CouponTemplateRow> {
  const before = await lockOwnRow(trx, ctx, 'coupon_template', id, 'coupon.template_not_found');
  const row = await trx
    .updateTable('coupon_template')
    .set({
      ...(input.member_claimable !== undefined ? { member_claimable: input.member_claimable } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'coupon.template_update',
    entityType: 'coupon_template',
    entityId: id,
    before: { member_claimable: before.member_claimable },
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

/** The template, locked: stock and per-member limits are counted by one issuer at a time. */
async function lockIssuableTemplate(trx: Trx, ctx: Ctx, templateId: string) {
  const template = await lockOwnRow(
    trx,
    ctx,
    'coupon_template',
    templateId,
    'coupon.template_not_found',
    'template_id',
  );
  if (!template.active) throw new DomainError('coupon.template_inactive', {});
  return template;
}

/** How many coupons of the template each of these members holds (absent = none). */
async function heldCounts(trx: Trx, ctx: Ctx, templateId: string, memberIds: readonly string[]) {
  const rows = await trx
    .selectFrom('coupon')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('held')])
    .where('merchant_id', '=', ctx.merchantId)
    .where('template_id', '=', templateId)
    .where('member_id', 'in', memberIds)
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.held)]));
}

/** Counts up to `wanted` coupons against the stock; returns how many the stock allowed. */
async function takeStock(trx: Trx, ctx: Ctx, template: CouponTemplateRow, wanted: number) {
  const left = template.total_stock === null ? wanted : template.total_stock - template.issued;
  const taken = Math.max(0, Math.min(wanted, left));
  if (taken > 0)
    await trx
      .updateTable('coupon_template')
      .set({ issued: sql`issued + ${taken}`, updated_at: ctx.now })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', template.id)
      .execute();
  return taken;
}

/** The columns every new coupon of a template starts with, whatever the channel. */
async function couponStart(trx: Trx, ctx: Ctx, template: CouponTemplateRow, via: string) {
  const { time_zone } = await getMerchant(trx, ctx);
  const benefit = template.definition.benefit;
  return {
    merchant_id: ctx.merchantId,
    template_id: template.id,
    status: 'issued' as const,
    uses_left: benefit.kind === 'count_card' ? benefit.uses : 1,
    ...couponWindow(template.definition.validity, ctx.now, time_zone),
    issued_via: via,
    issued_by: ctx.actor.id,
    redeemed_at: null,
    redeemed_store_id: null,
    redeemed_by: null,
    created_at: ctx.now,
  };
}

/**
 * The one way a coupon comes into being, whatever the channel. The template row is locked, so
 * stock and the per-member limit are counted by one issuer at a time.
 */
export async function issueCoupon(trx: Trx, ctx: Ctx, input: IssueInput): Promise<CouponRow> {
  const template = await lockIssuableTemplate(trx, ctx, input.template_id);
  await getOwnRow(trx, ctx, 'member', input.member_id, 'member.not_found', 'member_id');
  const limit = template.per_member_limit;
  if (limit !== null) {
    const held = (await heldCounts(trx, ctx, template.id, [input.member_id])).get(input.member_id);
    if ((held ?? 0) >= limit) throw new DomainError('coupon.claim_limit', { params: { limit } });
  }
  if ((await takeStock(trx, ctx, template, 1)) === 0)
    throw new DomainError('coupon.out_of_stock', {
      params: { total_stock: template.total_stock },
    });
  const coupon = await trx
    .insertInto('coupon')
    .values({
      ...(await couponStart(trx, ctx, template, input.via)),
      id: newId(),
      member_id: input.member_id,
      code: newCouponCode(),
      ref_type: input.ref?.type ?? null,
      ref_id: input.ref?.id ?? null,
      reason: input.reason ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await emitEvent(trx, ctx, 'coupon.issued', couponIssuedEvent(coupon));
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

/** `coupon.issued` for integrators: never the code (it is what the till redeems). */
const couponIssuedEvent = (
  c: Pick<
    CouponRow,
    'id' | 'template_id' | 'member_id' | 'issued_via' | 'valid_from' | 'valid_until'
  >,
) => ({
  coupon_id: c.id,
  template_id: c.template_id,
  member_id: c.member_id,
  via: c.issued_via,
  valid_from: c.valid_from,
  valid_until: c.valid_until,
});

export interface BulkIssueResult {
  /** member id → the new coupon's id */
  issued: Map<string, string>;
  /** members already holding the per-member limit */
  overLimit: string[];
  /** members left without a coupon because the stock ran out (in the order given) */
  outOfStock: string[];
}

/**
 * issueCoupon for many members at once (a campaign push): the same template lock, per-member
 * limit, stock and validity window, in one insert. Members are served in the order given until
 * the stock runs out; the caller has checked they are its active members. One audit entry
 * names the batch (`via`, `ref_id`) and its count.
 */
export async function issueCoupons(
  trx: Trx,
  ctx: Ctx,
  input: { template_id: string; member_ids: readonly string[]; via: string; ref_id: string },
): Promise<BulkIssueResult> {
  const template = await lockIssuableTemplate(trx, ctx, input.template_id);
  const limit = template.per_member_limit;
  const held =
    limit === null
      ? new Map<string, number>()
      : await heldCounts(trx, ctx, template.id, input.member_ids);
  const overLimit = input.member_ids.filter((id) => limit !== null && (held.get(id) ?? 0) >= limit);
  const eligible = input.member_ids.filter(
    (id) => !(limit !== null && (held.get(id) ?? 0) >= limit),
  );
  const taken = await takeStock(trx, ctx, template, eligible.length);
  const served = eligible.slice(0, taken);
  const ids = served.map(() => newId());
  if (served.length > 0) {
    const start = await couponStart(trx, ctx, template, input.via);
    await sql`
      insert into coupon (merchant_id, id, template_id, member_id, code, status, uses_left,
        valid_from, valid_until, issued_via, issued_by, created_at)
      select ${ctx.merchantId}, t.id, ${template.id}, t.member_id, t.code, ${start.status},
        ${start.uses_left}, ${start.valid_from}, ${start.valid_until}, ${start.issued_via},
        ${start.issued_by}, ${start.created_at}
      from unnest(${ids}::uuid[], ${served}::uuid[], ${served.map(() => newCouponCode())}::text[])
        as t (id, member_id, code)`.execute(trx);
    await emitEvents(
      trx,
      ctx,
      'coupon.issued',
      served.map((memberId, i) =>
        couponIssuedEvent({ ...start, id: ids[i]!, member_id: memberId, template_id: template.id }),
      ),
    );
    await recordAudit(trx, ctx, {
      action: 'coupon.issue_bulk',
      entityType: 'coupon_template',
      entityId: template.id,
      after: { via: input.via, ref_id: input.ref_id, count: served.length },
    });
  }
  return {
    issued: new Map(served.map((memberId, i) => [memberId, ids[i]!])),
    overLimit,
    outOfStock: eligible.slice(taken),
  };
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
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor));
  return timePage(await query.execute(), limit);
}
