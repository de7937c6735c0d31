import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { PrivacyRequestKind } from './member-app.table.ts';
import { getCard, selfOf } from './member-card.service.ts';

const columns = ['id', 'member_id', 'kind', 'status', 'created_at', 'decided_at'] as const;

/**
 * A member asks for their data or its erasure (PIPL arts. 45, 47): recorded for staff, who
 * erase through the audited erasure (members.erase) and close the request. One open request
 * of a kind at a time.
 */
export async function requestPrivacy(trx: Trx, ctx: Ctx, kind: PrivacyRequestKind) {
  const memberId = selfOf(ctx);
  await lockActiveMember(trx, ctx, memberId);
  const open = await trx
    .selectFrom('member_privacy_request')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('kind', '=', kind)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open) throw new DomainError('member_app.privacy_request_open', { field: 'kind' });
  const row = await trx
    .insertInto('member_privacy_request')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: memberId,
      kind,
      created_at: ctx.now,
      decided_at: null,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'member.privacy_request',
    entityType: 'member',
    entityId: memberId,
    after: { kind, request_id: row.id },
  });
  return row;
}

/** The member's own requests, or (for staff) the merchant's, open first then newest. */
export async function listPrivacyRequests(
  db: Db,
  ctx: Ctx,
  filter: { member_id?: string | undefined; status?: 'open' | 'done' | 'refused' | undefined },
) {
  let query = db
    .selectFrom('member_privacy_request')
    .select(columns)
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200);
  if (filter.member_id) query = query.where('member_id', '=', filter.member_id);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}

/** Staff close a request: done (exported, or erased through the erasure) or refused. */
export async function decidePrivacyRequest(
  trx: Trx,
  ctx: Ctx,
  id: string,
  status: 'done' | 'refused',
) {
  const before = await lockOwnRow(
    trx,
    ctx,
    'member_privacy_request',
    id,
    'member_app.privacy_request_not_found',
  );
  if (before.status !== 'open') throw new DomainError('member_app.privacy_request_open');
  const row = await trx
    .updateTable('member_privacy_request')
    .set({ status, decided_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'member.privacy_decide',
    entityType: 'member',
    entityId: before.member_id,
    before: { status: before.status },
    after: { status, request_id: id },
  });
  return row;
}

/** The member's own data as one JSON document: profile, card, coupons, orders, messages. */
export async function exportOwnData(db: Db, ctx: Ctx) {
  const memberId = selfOf(ctx);
  const m = ctx.merchantId;
  const member = await getMemberRow(db, ctx, memberId);
  const [card, coupons, recharges, orders, messages, requests] = await Promise.all([
    getCard(db, ctx, memberId),
    db
      .selectFrom('coupon')
      .select(['id', 'code', 'status', 'valid_from', 'valid_until', 'created_at'])
      .where('merchant_id', '=', m)
      .where('member_id', '=', memberId)
      .execute(),
    db
      .selectFrom('recharge')
      .select(['id', 'price_fen', 'bonus_fen', 'status', 'created_at'])
      .where('merchant_id', '=', m)
      .where('member_id', '=', memberId)
      .execute(),
    db
      .selectFrom('sale_order')
      .select(['id', 'store_id', 'due_fen', 'paid_at'])
      .where('merchant_id', '=', m)
      .where('member_id', '=', memberId)
      .limit(1000)
      .execute(),
    db
      .selectFrom('member_message')
      .select(['id', 'title', 'body', 'created_at', 'read_at'])
      .where('merchant_id', '=', m)
      .where('member_id', '=', memberId)
      .execute(),
    listPrivacyRequests(db, ctx, { member_id: memberId }),
  ]);
  return {
    exported_at: ctx.now,
    profile: {
      card_no: member.card_no,
      phone: member.phone,
      name: member.name,
      gender: member.gender,
      birthday: member.birthday,
      registered_at: member.registered_at,
      marketing_consent: member.marketing_consent,
      custom: member.custom,
    },
    card,
    coupons,
    recharges,
    orders,
    messages,
    privacy_requests: requests,
  };
}
