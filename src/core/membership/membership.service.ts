import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { voidCouponsOf } from '../coupons/coupon-pack.service.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { checkTenders, type TenderInput } from '../payments/tender.rules.ts';
import {
  chargeTenders,
  listTenders,
  presentTender,
  refundTenders,
} from '../payments/tender.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import { currentPeriod, nextPeriod, refundDecision, refundPolicyText } from './membership.rules.ts';
import type { PaidMembershipRow } from './membership.table.ts';
import { getMembershipPlan } from './membership-plan.service.ts';

export interface PurchaseInput {
  plan_id: string;
  tenders: TenderInput[];
  store_id?: string | null | undefined;
}

/**
 * Buys or renews a paid membership (付费会员): the period starts now, or where the member's
 * paid time ends (a renewal); the plan's benefits and refund rule are copied onto the period
 * so that later plan edits never change what was sold; the tenders are recorded.
 */
export async function purchaseMembership(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: PurchaseInput,
) {
  const plan = await getMembershipPlan(trx, ctx, input.plan_id);
  if (!plan.active) throw new DomainError('membership.plan_inactive', { field: 'plan_id' });
  checkTenders(input.tenders, plan.price_fen, 'membership.tenders_mismatch');
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  await lockActiveMember(trx, ctx, memberId);
  const merchant = await getMerchant(trx, ctx);
  const periods = await listPeriods(trx, ctx, memberId);
  const period = nextPeriod(periods, ctx.now, plan.duration_months, merchant.time_zone);
  const row = await trx
    .insertInto('paid_membership')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: memberId,
      plan_id: plan.id,
      ...period,
      price_fen: plan.price_fen,
      benefits: JSON.stringify({
        tier_id: plan.tier_id,
        extra_discount_bp: plan.extra_discount_bp,
        monthly_coupons: plan.monthly_coupons,
      }),
      refund_full_within_days: plan.refund_full_within_days,
      status: 'paid',
      refund_fen: null,
      refunded_at: null,
      expired_at: null,
      store_id: input.store_id ?? ctx.storeId ?? null,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const tenders = await chargeTenders(
    trx,
    ctx,
    { type: 'paid_membership', id: row.id },
    input.tenders,
  );
  await recordAudit(trx, ctx, {
    action: `membership.${period.kind}`,
    entityType: 'member',
    entityId: memberId,
    after: {
      paid_membership_id: row.id,
      plan_id: plan.id,
      price_fen: plan.price_fen,
      starts_at: row.starts_at,
      expires_at: row.expires_at,
      tenders: input.tenders,
    },
  });
  return presentPeriod(row, tenders, ctx.locale);
}

export const periodsQuery = (db: Db | Trx, ctx: Ctx, memberId: string) =>
  db
    .selectFrom('paid_membership')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('starts_at')
    .orderBy('created_at');

export function listPeriods(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<PaidMembershipRow[]> {
  return periodsQuery(db, ctx, memberId).execute();
}

export function presentPeriod(
  row: PaidMembershipRow,
  tenders: Awaited<ReturnType<typeof listTenders>>,
  locale: 'zh-CN' | 'en',
) {
  return {
    id: row.id,
    member_id: row.member_id,
    plan_id: row.plan_id,
    kind: row.kind,
    price_fen: row.price_fen,
    starts_at: row.starts_at,
    expires_at: row.expires_at,
    benefits: row.benefits,
    refund_policy: refundPolicyText(row.refund_full_within_days, locale),
    status: row.status,
    refund_fen: row.refund_fen,
    refunded_at: row.refunded_at,
    store_id: row.store_id,
    tenders: tenders.map(presentTender),
    created_at: row.created_at,
  };
}

/** Whether the member is a paid member now (by time), with the benefits and all periods. */
export async function getMembershipStatus(db: Db, ctx: Ctx, memberId: string) {
  await getMemberRow(db, ctx, memberId);
  const periods = await listPeriods(db, ctx, memberId);
  const current = currentPeriod(periods, ctx.now);
  const paidUntil = periods
    .filter((p) => p.status !== 'refunded' && p.expires_at.getTime() > ctx.now.getTime())
    .reduce<Date | null>((max, p) => (max && max > p.expires_at ? max : p.expires_at), null);
  return {
    member_id: memberId,
    paid_member: current !== undefined,
    current_id: current?.id ?? null,
    benefits: current?.benefits ?? null,
    paid_until: current ? paidUntil : null,
    periods: periods.map((p) => presentPeriod(p, [], ctx.locale)),
  };
}

/** Refund by the period's own rule (full within N days, else none), back through its tenders. */
export async function refundMembership(trx: Trx, ctx: Ctx, id: string) {
  const found = await findPeriod(trx, ctx, id);
  await lockActiveMember(trx, ctx, found.member_id);
  const period = await findPeriod(trx, ctx, id); // re-read under the member lock
  const later = await trx
    .selectFrom('paid_membership')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', period.member_id)
    .where('status', '!=', 'refunded')
    .where('starts_at', '>', period.starts_at)
    .executeTakeFirst();
  const decision = refundDecision(period, ctx.now, later === undefined);
  if (!decision.ok)
    throw new DomainError(decision.code, {
      params: { refund_full_within_days: period.refund_full_within_days },
    });
  const updated = await trx
    .updateTable('paid_membership')
    .set({ status: 'refunded', refund_fen: decision.refund_fen, refunded_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .where('status', '!=', 'refunded')
    .returningAll()
    .executeTakeFirstOrThrow();
  await refundTenders(trx, ctx, { type: 'paid_membership', id }, decision.refund_fen);
  // the monthly coupons not used yet go with the period; used ones stay used
  await voidCouponsOf(trx, ctx, { type: 'paid_membership', id }, false);
  await recordAudit(trx, ctx, {
    action: 'membership.refund',
    entityType: 'member',
    entityId: period.member_id,
    before: { paid_membership_id: id, status: period.status },
    after: { paid_membership_id: id, status: 'refunded', refund_fen: decision.refund_fen },
  });
  const tenders = await listTenders(trx, ctx, { type: 'paid_membership', id });
  return presentPeriod(updated, tenders, ctx.locale);
}

const findPeriod = (db: Db | Trx, ctx: Ctx, id: string): Promise<PaidMembershipRow> =>
  getOwnRow(db, ctx, 'paid_membership', id, 'membership.not_found');

export async function getPaidMembership(db: Db, ctx: Ctx, id: string) {
  const row = await findPeriod(db, ctx, id);
  return presentPeriod(
    row,
    await listTenders(db, ctx, { type: 'paid_membership', id }),
    ctx.locale,
  );
}

/**
 * The expiry job: marks every paid period whose end has passed as expired, across merchants,
 * and audits each. Whether a member is a paid member never waited for this (it is decided by
 * time); the mark is for reports and for reactions. A second run finds nothing.
 */
export async function expirePaidMemberships(db: Db, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with expired as (
      update paid_membership set status = 'expired', expired_at = ${now}
      where status = 'paid' and expires_at <= ${now}
      returning merchant_id, id, member_id, plan_id, expires_at
    ), audited as (
      insert into audit_log (merchant_id, id, actor_kind, actor_id, action, entity_type,
        entity_id, before, after, created_at)
      select merchant_id, gen_random_uuid(), 'system', null, 'membership.expire', 'member',
        member_id, null, jsonb_build_object('paid_membership_id', id, 'plan_id', plan_id,
        'expires_at', expires_at), ${now}
      from expired
      returning 1
    )
    select count(*)::int as n from audited`.execute(db);
  return rows[0]!.n;
}
