import type { Db, Trx } from '../../db/database.ts';
import { allocateLargestRemainder } from '../../lib/allocate.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { PricedLine, PricedOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { recordOrderFacts } from '../facts/member-fact.service.ts';
import { getMemberRow } from '../members/member.service.ts';
import { earnForOrder } from '../points/points.service.ts';
import { commissionForOrder } from '../referral/referral-order.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import { getCheckoutSetting } from './checkout-setting.service.ts';
import type { ImportOrderBody } from './order.schema.ts';
import { getOrder, insertOrder, orderEvent } from './order-commit.service.ts';

const sum = (ns: readonly number[]) => ns.reduce((s, n) => s + n, 0);

/** The member an online order belongs to: by id, else by phone; a merged record gives its survivor. */
async function matchMember(db: Db | Trx, ctx: Ctx, body: ImportOrderBody): Promise<string | null> {
  let id = body.member_id ?? null;
  if (!id && body.phone) {
    const phone = normalizePhone(body.phone, true);
    if (!phone) throw new DomainError('member.phone_invalid', { field: 'phone' });
    const row = await db
      .selectFrom('member')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('phone', '=', phone)
      .executeTakeFirst();
    id = row?.id ?? null;
  }
  if (!id) return null;
  const member = await getMemberRow(db, ctx, id, 'member_id');
  if (member.status === 'merged' && member.merged_into_id) return member.merged_into_id;
  return member.status === 'active' ? member.id : null;
}

export async function findImported(db: Db | Trx, ctx: Ctx, channel: string, externalId: string) {
  const row = await db
    .selectFrom('sale_order')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? getOrder(db, ctx, row.id) : null;
}

function pricedFromChannel(body: ImportOrderBody): PricedOrder {
  const lines: PricedLine[] = body.lines.map((l, i) => {
    const amount = l.unit_price_fen * l.quantity;
    if (l.paid_fen > amount)
      throw new DomainError('request.invalid', {
        field: `lines.${i}.paid_fen`,
        params: { max: amount },
      });
    return {
      line_id: String(i + 1),
      sku_id: l.sku_id ?? null,
      category: l.category,
      quantity: l.quantity,
      unit_price_fen: l.unit_price_fen,
      amount_fen: amount,
      tier_discount_fen: 0,
      coupons: [],
      coupon_discount_fen: amount - l.paid_fen,
      points_used: 0,
      points_deduction_fen: 0,
      due_fen: l.paid_fen,
      principal_fen: 0,
      bonus_fen: 0,
      tender_fen: l.paid_fen,
      earn_base_fen: l.paid_fen,
      points_earned: 0,
      growth: 0,
    };
  });
  const total = (k: keyof PricedLine) => sum(lines.map((l) => l[k] as number));
  return {
    amount_fen: total('amount_fen'),
    tier_discount_fen: 0,
    coupon_discount_fen: total('coupon_discount_fen'),
    points_used: 0,
    points_deduction_fen: 0,
    due_fen: total('due_fen'),
    principal_fen: 0,
    bonus_fen: 0,
    tender_fen: total('tender_fen'),
    points_earned: 0,
    growth: 0,
    applied_coupon_ids: [],
    lines,
    trace: [
      { step: 'tender', method: 'bank_card', amount_fen: total('tender_fen'), change_fen: 0 },
    ],
    problems: [],
  };
}

/**
 * An order paid in an online shop or mini-program, keyed by channel and external id (a replay
 * returns the same order). Matched to the member by id or phone, so a merged member has one
 * purchase history; it earns points and growth as a till order does, when the merchant says so.
 * The channel's own discounts are kept as the difference between price and what was paid.
 */
export async function importOnlineOrder(trx: Trx, ctx: Ctx, body: ImportOrderBody) {
  const seen = await findImported(trx, ctx, body.channel, body.external_id);
  if (seen) return seen;
  await assertStoreExists(trx, ctx, body.store_id, 'store_id');
  const memberId = await matchMember(trx, ctx, body);
  const priced = pricedFromChannel(body);
  const id = newId();
  const paidAt = new Date(body.paid_at);
  const order = await insertOrder(trx, ctx, {
    id,
    channel: body.channel,
    external_id: body.external_id,
    member_id: memberId,
    store_id: body.store_id,
    priced,
    lines: body.lines.map((l) => ({ name: l.name })),
    points_debit_id: null,
    wallet_payment_id: null,
    paid_at: paidAt,
  });
  await recordOrderFacts(trx, ctx, [id]);
  const setting = await getCheckoutSetting(trx, ctx);
  if (memberId && setting.online_earns && priced.due_fen > 0)
    await earnImported(trx, ctx, memberId, order.id, priced, paidAt);
  if (memberId)
    await commissionForOrder(trx, ctx, {
      id,
      member_id: memberId,
      store_id: body.store_id,
      paid_fen: priced.due_fen,
      created_at: paidAt,
    });
  await emitEvent(trx, ctx, 'order.committed', orderEvent(order));
  await recordAudit(trx, ctx, {
    action: 'order.import',
    entityType: 'order',
    entityId: id,
    after: { channel: body.channel, external_id: body.external_id, member_id: memberId },
  });
  return getOrder(trx, ctx, id);
}

/**
 * Earned as `earnForOrder` decides at `paid_at`, spread over the lines by what each paid (the
 * order history import awards this way too, when asked).
 */
export async function earnImported(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  orderId: string,
  priced: { lines: readonly Pick<PricedLine, 'line_id' | 'category' | 'earn_base_fen'>[] },
  paidAt: Date,
) {
  const earned = await earnForOrder(trx, ctx, memberId, {
    order_ref: orderId,
    lines: priced.lines.map((l) => ({ category: l.category, amount_fen: l.earn_base_fen })),
    paid_at: paidAt,
  });
  const weights = priced.lines.map((l) => l.earn_base_fen);
  const points = earned.points
    ? allocateLargestRemainder(earned.points, weights)
    : weights.map(() => 0);
  const growth = earned.growth
    ? allocateLargestRemainder(earned.growth, weights)
    : weights.map(() => 0);
  for (const [i, l] of priced.lines.entries())
    await trx
      .updateTable('sale_order_line')
      .set({ points_earned: points[i]!, growth: growth[i]! })
      .where('merchant_id', '=', ctx.merchantId)
      .where('order_id', '=', orderId)
      .where('line_id', '=', l.line_id)
      .execute();
  await trx
    .updateTable('sale_order')
    .set({ points_earned: earned.points, growth: earned.growth, points_credit_id: earned.entry_id })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', orderId)
    .execute();
}
