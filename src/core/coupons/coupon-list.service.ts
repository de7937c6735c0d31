import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import { displayPhone, maskPhone } from '../../lib/phone.ts';
import { addDays, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { CouponListQuery } from './coupon-list.schema.ts';

/**
 * A coupon code is a bearer credential: whoever reads it can redeem it at a till. So the whole
 * code is shown only to those who redeem at the till themselves (loyalty.operate); everyone
 * else sees its last 4 characters, enough to match a coupon a member reads out, 20 of 80 bits.
 */
export const seesCouponCodes = (ctx: Ctx) => ctx.actor.permissions.has('loyalty.operate');

export const maskCouponCode = (code: string) =>
  `${'*'.repeat(Math.max(0, code.length - 4))}${code.slice(-4)}`;

/** A coupon row as the caller may see it: the code masked unless they redeem at the till. */
export const presentCoupon = <T extends { code: string }>(ctx: Ctx, coupon: T): T =>
  seesCouponCodes(ctx) ? coupon : { ...coupon, code: maskCouponCode(coupon.code) };

type Filter = Omit<CouponListQuery, 'limit' | 'cursor'>;

/** The issued coupons of the merchant, newest first, keyset-paged by (created_at, id). */
export async function listCoupons(db: Db, ctx: Ctx, query: CouponListQuery) {
  const limit = query.limit ?? 50;
  const m = ctx.merchantId;
  const range = await issuedRange(db, ctx, query);
  let q = db
    .selectFrom('coupon as c')
    .innerJoin('coupon_template as t', (j) =>
      j.onRef('t.merchant_id', '=', 'c.merchant_id').onRef('t.id', '=', 'c.template_id'),
    )
    .innerJoin('member as mb', (j) =>
      j.onRef('mb.merchant_id', '=', 'c.merchant_id').onRef('mb.id', '=', 'c.member_id'),
    )
    .leftJoin('store as s', (j) =>
      j.onRef('s.merchant_id', '=', 'c.merchant_id').onRef('s.id', '=', 'c.redeemed_store_id'),
    )
    .leftJoin('staff as st', (j) =>
      j.onRef('st.merchant_id', '=', 'c.merchant_id').onRef('st.id', '=', 'c.redeemed_by'),
    )
    .select([
      'c.id',
      'c.code',
      'c.template_id',
      't.name as template_name',
      't.kind',
      'c.member_id',
      'mb.name as member_name',
      'mb.card_no as member_card_no',
      'mb.phone as member_phone',
      'c.status',
      'c.uses_left',
      'c.issued_via',
      'c.reason',
      'c.valid_from',
      'c.valid_until',
      'c.redeemed_at',
      'c.redeemed_store_id',
      's.name as redeemed_store_name',
      'c.redeemed_by',
      'st.display_name as redeemed_by_name',
      'c.created_at',
      // the order of the use that still stands (a full refund restores the coupon)
      (eb) =>
        eb
          .selectFrom('coupon_use as u')
          .select('u.order_id')
          .where('u.merchant_id', '=', m)
          .whereRef('u.coupon_id', '=', 'c.id')
          .where('u.restored_at', 'is', null)
          .where('u.order_id', 'is not', null)
          .orderBy('u.used_at', 'desc')
          .limit(1)
          .as('order_id'),
    ])
    .where('c.merchant_id', '=', m)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1);
  if (query.template_id) q = q.where('c.template_id', '=', query.template_id);
  if (query.status) q = q.where('c.status', '=', query.status);
  if (query.member_id) q = q.where('c.member_id', '=', query.member_id);
  if (query.code) q = q.where('c.code', '=', query.code.trim().toUpperCase());
  if (query.redeemed_store_id) q = q.where('c.redeemed_store_id', '=', query.redeemed_store_id);
  if (range.from) q = q.where('c.created_at', '>=', range.from);
  if (range.before) q = q.where('c.created_at', '<', range.before);
  if (query.cursor) q = q.where(beforeTimeCursor(query.cursor, 'c.created_at', 'c.id'));
  const page = timePage(await q.execute(), limit);
  const whole = seesCouponCodes(ctx);
  return {
    items: page.items.map((row) => ({
      ...row,
      order_id: row.order_id ?? null,
      code: whole ? row.code : maskCouponCode(row.code),
      code_masked: !whole,
    })),
    next_cursor: page.next_cursor,
  };
}

/** The issued days as instants in the merchant's zone: from its first midnight, before the last's end. */
async function issuedRange(db: Db, ctx: Ctx, filter: Filter) {
  if (!filter.issued_from && !filter.issued_to) return {};
  if (filter.issued_from && filter.issued_to && filter.issued_to < filter.issued_from)
    throw new DomainError('request.invalid', { field: 'issued_to' });
  const zone = (await getMerchant(db, ctx)).time_zone;
  return {
    from: filter.issued_from ? startOfLocalDay(filter.issued_from, zone) : undefined,
    before: filter.issued_to ? startOfLocalDay(addDays(filter.issued_to, 1), zone) : undefined,
  };
}

const HEADER = [
  '券码',
  '优惠券',
  '类型',
  '会员卡号',
  '会员姓名',
  '手机号',
  '状态',
  '发放渠道',
  '发放时间',
  '生效',
  '失效',
  '核销时间',
  '核销门店',
  '核销员工',
  '订单',
];

/**
 * The filtered list as CSV rows (header first), page by page; phones and codes as the role may
 * see them. The first page is read before the header is given, so a bad filter throws first.
 */
export async function* couponCsvRows(db: Db, ctx: Ctx, filter: Filter) {
  const pii = ctx.actor.permissions.has('members.pii');
  let cursor: string | undefined;
  let first = true;
  do {
    const page = await listCoupons(db, ctx, {
      ...filter,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    if (first) yield HEADER;
    first = false;
    for (const r of page.items) {
      const phone =
        r.member_phone && (pii ? displayPhone(r.member_phone) : maskPhone(r.member_phone));
      yield [
        r.code,
        r.template_name,
        r.kind,
        r.member_card_no,
        r.member_name,
        phone,
        r.status,
        r.issued_via,
        r.created_at.toISOString(),
        r.valid_from.toISOString(),
        r.valid_until.toISOString(),
        r.redeemed_at?.toISOString() ?? '',
        r.redeemed_store_name,
        r.redeemed_by_name,
        r.order_id,
      ];
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}
