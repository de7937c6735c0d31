import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import {
  type IdempotencyClaim,
  responseWrites,
  storedResponseOf,
} from '../../db/idempotency-claim.ts';
import { cte, executeWrites, queries, writeSet } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { auditWrites } from '../audit/audit.service.ts';
import { type PricedOrder, priceOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { type FactSource, orderFactWrites } from '../facts/member-fact.service.ts';
import { inviteAfterPayment } from '../membership/invitation.service.ts';
import {
  listTenders,
  presentTender,
  takeTenders,
  tenderWrites,
} from '../payments/tender.service.ts';
import { commissionForOrder } from '../referral/referral-order.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { WalletAuth } from '../wallet/payment-password.service.ts';
import { webhookEventWrites } from '../webhooks/webhook-event.service.ts';
import { checkoutLocks } from './checkout-read.service.ts';
import type { CommitBody } from './order.schema.ts';
import type { SaleOrderLineRow, SaleOrderRow } from './order.table.ts';
import { memberPosts } from './order-posting.service.ts';
import { loadPricing, type NamedLine } from './order-pricing.service.ts';

const staffOf = (ctx: Ctx) => (ctx.actor.kind === 'staff' ? ctx.actor.id : null);

/** The first problem of the priced order refuses the commit, with its code, field and params. */
function refuseProblems(priced: PricedOrder) {
  const first = priced.problems[0];
  if (first) throw new DomainError(first.code, { field: first.field, params: first.params });
}

/**
 * The checkout commit, one transaction: lock the member (with the idempotency claim when the
 * route passes it), read and price the order as the quote does, then post what the pricing
 * decided in one statement — coupons redeemed (exactly once), points spent, stored value paid,
 * tenders charged, the order and its lines recorded with every amount, points and growth
 * earned on what was paid, the member's facts, the audit row and the stored answer; then the
 * referral commission, and for a guest the pay-to-become-member invitation (S7).
 */
export async function commitOrder(
  trx: Trx,
  ctx: Ctx,
  body: CommitBody,
  auth: WalletAuth,
  claim?: IdempotencyClaim,
) {
  const memberId = body.member_id ?? null;
  if (memberId && !claim?.locked)
    await sql`select count(*) from (${commitLocks(ctx, body)}) x`.execute(trx);
  const pricing = await loadPricing(trx, ctx, body, true);
  const { read } = pricing;
  const priced = priceOrder(pricing.input, ctx.now);
  refuseProblems(priced);
  const orderId = newId();
  const posts = memberId
    ? await memberPosts(trx, ctx, {
        orderId,
        memberId,
        storeId: body.store_id,
        read,
        input: pricing.input,
        priced,
        auth,
      })
    : null;
  const tenders = await takeTenders(trx, ctx, { type: 'order', id: orderId }, body.tenders ?? []);
  const order = orderRow(ctx, {
    id: orderId,
    number: read.order_number,
    channel: 'till',
    external_id: null,
    member_id: memberId,
    store_id: body.store_id,
    priced,
    lines: pricing.lines,
    points_debit_id: posts?.points_debit_id ?? null,
    points_credit_id: posts?.points_credit_id ?? null,
    wallet_payment_id: posts?.wallet_payment_id ?? null,
    paid_at: ctx.now,
  });
  const lines = lineRows(ctx, orderId, priced, pricing.lines);
  const response = presentOrder(order, lines, tenders);
  const audit = {
    member_id: memberId,
    due_fen: priced.due_fen,
    points_credit_id: order.points_credit_id,
  };
  const result = await executeWrites(
    trx,
    writeSet(
      posts?.writes ?? writeSet(),
      tenderWrites('tenders', tenders),
      orderWrites('order', order, lines),
      orderFactWrites(ctx, 'order_facts', insertedOrder('order')),
      auditWrites(ctx, 'order_audit', [
        { action: 'order.commit', entityType: 'order', entityId: orderId, after: audit },
      ]),
      claim ? responseWrites(claim, response) : writeSet(),
      webhookEventWrites(ctx, 'order_event', 'order.committed', [orderEvent(order)]),
      webhookEventWrites(
        ctx,
        'coupon_event',
        'coupon.redeemed',
        order.applied_coupon_ids.map((coupon_id) => ({
          coupon_id,
          member_id: memberId,
          order_id: orderId,
          store_id: body.store_id,
        })),
      ),
    ),
  );
  await posts?.settle(trx, result);
  if (memberId && read.referral_active)
    await commissionForOrder(trx, ctx, {
      id: orderId,
      member_id: memberId,
      store_id: body.store_id,
      paid_fen: priced.due_fen,
      created_at: ctx.now,
    });
  else if (!memberId && body.guest_phone && priced.tender_fen > 0)
    await inviteAfterPayment(trx, ctx, {
      phone: body.guest_phone,
      paid_fen: priced.tender_fen,
      store_id: body.store_id,
    });
  return storedResponseOf(result, response);
}

/** The locks a commit takes first (see `checkoutLocks`); the route takes them with its claim. */
export const commitLocks = (ctx: Ctx, body: CommitBody) =>
  checkoutLocks(ctx, body.member_id!, (body.points_to_use ?? 0) > 0);

export interface NewOrder {
  id: string;
  channel: string;
  external_id: string | null;
  member_id: string | null;
  store_id: string;
  priced: PricedOrder;
  lines: readonly Pick<NamedLine, 'name'>[];
  points_debit_id: string | null;
  wallet_payment_id: string | null;
  paid_at: Date;
}

/** An order on its own (an import): the row and its lines, numbered by the sequence. */
export async function insertOrder(trx: Trx, ctx: Ctx, o: NewOrder): Promise<SaleOrderRow> {
  const { number: _n, ...row } = orderRow(ctx, { ...o, number: 0, points_credit_id: null });
  const order = await trx
    .insertInto('sale_order')
    .values((eb) => ({
      ...row,
      number: eb.fn<number>('nextval', [eb.val('sale_order_number')]),
      trace: JSON.stringify(row.trace),
    }))
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('sale_order_line')
    .values(lineValues(lineRows(ctx, o.id, o.priced, o.lines)))
    .execute();
  return order;
}

/** What integrators learn of a paid order (`order.committed`): ids and amounts. */
export const orderEvent = (o: SaleOrderRow) => ({
  order_id: o.id,
  number: o.number,
  channel: o.channel,
  external_id: o.external_id,
  member_id: o.member_id,
  store_id: o.store_id,
  amount_fen: o.amount_fen,
  due_fen: o.due_fen,
  tender_fen: o.tender_fen,
  principal_fen: o.principal_fen,
  bonus_fen: o.bonus_fen,
  points_used: o.points_used,
  points_earned: o.points_earned,
  coupon_ids: o.applied_coupon_ids,
  paid_at: o.paid_at,
});

/** The order row with every amount the pricing decided. */
function orderRow(
  ctx: Ctx,
  o: NewOrder & { number: number; points_credit_id: string | null },
): SaleOrderRow {
  const p = o.priced;
  return {
    merchant_id: ctx.merchantId,
    id: o.id,
    number: o.number,
    channel: o.channel,
    external_id: o.external_id,
    member_id: o.member_id,
    store_id: o.store_id,
    staff_id: staffOf(ctx),
    status: 'paid',
    amount_fen: p.amount_fen,
    tier_discount_fen: p.tier_discount_fen,
    coupon_discount_fen: p.coupon_discount_fen,
    points_used: p.points_used,
    points_deduction_fen: p.points_deduction_fen,
    due_fen: p.due_fen,
    principal_fen: p.principal_fen,
    bonus_fen: p.bonus_fen,
    tender_fen: p.tender_fen,
    points_earned: p.points_earned,
    growth: p.growth,
    applied_coupon_ids: p.applied_coupon_ids,
    trace: p.trace,
    points_debit_id: o.points_debit_id,
    points_credit_id: o.points_credit_id,
    wallet_payment_id: o.wallet_payment_id,
    paid_at: o.paid_at,
    created_at: ctx.now,
  };
}

function lineRows(
  ctx: Ctx,
  orderId: string,
  p: PricedOrder,
  named: readonly Pick<NamedLine, 'name'>[],
): SaleOrderLineRow[] {
  return p.lines.map((l, i) => ({
    merchant_id: ctx.merchantId,
    order_id: orderId,
    line_id: l.line_id,
    sku_id: l.sku_id,
    name: named[i]!.name,
    category: l.category,
    quantity: l.quantity,
    unit_price_fen: l.unit_price_fen,
    amount_fen: l.amount_fen,
    tier_discount_fen: l.tier_discount_fen,
    coupon_discount_fen: l.coupon_discount_fen,
    coupons: l.coupons,
    points_used: l.points_used,
    points_deduction_fen: l.points_deduction_fen,
    due_fen: l.due_fen,
    principal_fen: l.principal_fen,
    bonus_fen: l.bonus_fen,
    tender_fen: l.tender_fen,
    earn_base_fen: l.earn_base_fen,
    points_earned: l.points_earned,
    growth: l.growth,
    refunded_quantity: 0,
  }));
}

const lineValues = (lines: readonly SaleOrderLineRow[]) =>
  lines.map(({ refunded_quantity: _r, ...l }) => ({ ...l, coupons: JSON.stringify(l.coupons) }));

/**
 * The order and its lines as a part of a `WriteSet`; the inserts return what the member's
 * facts read (`insertedOrder`), as the statement's other parts cannot see the new rows.
 */
const orderWrites = (name: string, order: SaleOrderRow, lines: readonly SaleOrderLineRow[]) => ({
  ctes: [
    cte(
      name,
      queries
        .insertInto('sale_order')
        .values({ ...order, trace: JSON.stringify(order.trace) })
        .returning(['merchant_id', 'id', 'member_id', 'store_id', 'status', 'paid_at', 'due_fen']),
    ),
    cte(
      `${name}_lines`,
      queries
        .insertInto('sale_order_line')
        .values(lineValues(lines))
        .returning([
          'merchant_id',
          'order_id',
          'category',
          'quantity',
          'refunded_quantity',
          'due_fen',
        ]),
    ),
  ],
  results: [],
});

/** The order `orderWrites(name, …)` inserts, as the source of its member's facts. */
const insertedOrder = (name: string): FactSource => ({
  orders: sql.id(name),
  lines: sql.id(`${name}_lines`),
  scope: sql`true`,
});

export const listLines = (db: Db | Trx, ctx: Ctx, orderId: string) =>
  db
    .selectFrom('sale_order_line')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('order_id', '=', orderId)
    .orderBy(({ fn, ref }) => fn('length', [ref('line_id')]))
    .orderBy('line_id')
    .execute();

export function presentOrder(
  order: SaleOrderRow,
  lines: readonly SaleOrderLineRow[],
  tenders: Awaited<ReturnType<typeof listTenders>>,
) {
  const {
    merchant_id: _m,
    points_debit_id: _d,
    points_credit_id: _c,
    wallet_payment_id: _w,
    ...rest
  } = order;
  return {
    ...rest,
    lines: lines.map(({ merchant_id: _lm, order_id: _o, ...l }) => l),
    tenders: tenders.map(presentTender),
  };
}

export async function getOrder(db: Db | Trx, ctx: Ctx, id: string) {
  const order = await getOwnRow(db, ctx, 'sale_order', id, 'order.not_found');
  return presentOrder(
    order,
    await listLines(db, ctx, id),
    await listTenders(db, ctx, { type: 'order', id }),
  );
}
