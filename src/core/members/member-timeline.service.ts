import { type RawBuilder, sql } from 'kysely';
import { type Static, Type } from 'typebox';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { Nullable, Timestamp, Uuid } from '../../lib/schema.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow } from '../tenant-row.ts';

export const TimelineEvent = Type.Object({
  at: Timestamp,
  /** ledger, order, refund, coupon_issued, coupon_used, tier, tag, lifecycle, task_created,
   * task_done, message, campaign, audit */
  type: Type.String(),
  /** the row the event comes from (the coupon, the order, the task …) */
  id: Uuid,
  /** fen for orders and refunds, signed points or fen for ledger entries */
  amount: Nullable(Type.Integer()),
  /** what it is about: a tag, a template, a campaign, a task or message title, a ledger */
  label: Nullable(Type.String()),
  /** how: a ledger entry's kind, an order's status, added/removed, from→to, an outcome */
  detail: Nullable(Type.String()),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

interface Cursor {
  at: Date;
  type: string;
  id: string;
}

const encode = (c: Cursor) =>
  Buffer.from(JSON.stringify([c.at.toISOString(), c.type, c.id])).toString('base64url');

function decode(raw: string): Cursor {
  try {
    const [at, type, id] = JSON.parse(Buffer.from(raw, 'base64url').toString()) as string[];
    const date = new Date(String(at));
    if (typeof type === 'string' && typeof id === 'string' && isUuid(id) && date.getTime())
      return { at: date, type, id };
  } catch {}
  throw new DomainError('request.cursor_invalid', { field: 'cursor' });
}

/** One select per kind of event, each as (at, type, id, amount, label, detail). */
function branches(m: string, id: string): RawBuilder<unknown>[] {
  return [
    sql`select created_at as at, 'ledger' as type, id, amount, ledger as label, kind as detail
      from ledger_entry where merchant_id = ${m} and member_id = ${id}`,
    sql`select paid_at, 'order', id, due_fen, null, status
      from sale_order where merchant_id = ${m} and member_id = ${id}`,
    sql`select r.created_at, 'refund', r.id, r.money_fen, null,
        case when r.complete then 'complete' else 'partial' end
      from order_refund r join sale_order o on o.merchant_id = r.merchant_id and o.id = r.order_id
      where r.merchant_id = ${m} and o.member_id = ${id}`,
    sql`select c.created_at, 'coupon_issued', c.id, null, t.name, c.issued_via
      from coupon c join coupon_template t on t.merchant_id = c.merchant_id and t.id = c.template_id
      where c.merchant_id = ${m} and c.member_id = ${id}`,
    sql`select u.used_at, 'coupon_used', u.id, null, t.name, null
      from coupon_use u
      join coupon c on c.merchant_id = u.merchant_id and c.id = u.coupon_id
      join coupon_template t on t.merchant_id = c.merchant_id and t.id = c.template_id
      where u.merchant_id = ${m} and c.member_id = ${id}`,
    sql`select h.created_at, 'tier', h.id, null, tt.name, h.reason
      from tier_history h left join tier tt on tt.merchant_id = h.merchant_id and tt.id = h.to_tier_id
      where h.merchant_id = ${m} and h.member_id = ${id}`,
    sql`select h.at, 'tag', h.id, null, t.name, h.change
      from member_tag_history h join tag t on t.merchant_id = h.merchant_id and t.id = h.tag_id
      where h.merchant_id = ${m} and h.member_id = ${id}`,
    sql`select changed_at, 'lifecycle', id, null, to_stage, from_stage
      from member_lifecycle_change where merchant_id = ${m} and member_id = ${id}`,
    sql`select created_at, 'task_created', id, null, title, kind
      from guide_task where merchant_id = ${m} and member_id = ${id}`,
    sql`select done_at, 'task_done', id, null, title, outcome
      from guide_task where merchant_id = ${m} and member_id = ${id} and done_at is not null`,
    sql`select created_at, 'message', id, null, title, purpose
      from member_message where merchant_id = ${m} and member_id = ${id}`,
    sql`select created_at, 'audit', id, null, action, actor_kind
      from audit_log where merchant_id = ${m} and entity_type = 'member' and entity_id = ${id}`,
    sql`select cm.decided_at, 'campaign', cm.campaign_id, null, c.name, cm.outcome
      from campaign_member cm join campaign c on c.merchant_id = cm.merchant_id and c.id = cm.campaign_id
      where cm.merchant_id = ${m} and cm.member_id = ${id} and cm.decided_at is not null`,
  ];
}

/**
 * Everything that happened to a member, newest first, one keyset page over a union of the
 * ledgers, orders, refunds, coupons, tier and tag and lifecycle changes, guide tasks, inbox
 * messages, campaigns and the audit trail. Ties on the instant are broken by type and id.
 */
export async function memberTimeline(
  db: Db,
  ctx: Ctx,
  memberId: string,
  query: { cursor?: string; limit?: number },
) {
  await getOwnRow(db, ctx, 'member', memberId, 'member.not_found');
  const limit = query.limit ?? 50;
  const c = query.cursor ? decode(query.cursor) : undefined;
  const union = sql.join(branches(ctx.merchantId, memberId), sql` union all `);
  const rows = await sql<TimelineEvent>`
    select e.at, e.type, e.id, e.amount::bigint as amount, e.label, e.detail
    from (${union}) as e
    where e.at is not null
      ${c ? sql`and (e.at, e.type, e.id) < (${c.at}, ${c.type}, ${c.id}::uuid)` : sql``}
    order by e.at desc, e.type desc, e.id desc
    limit ${limit + 1}`.execute(db);
  const items = rows.rows
    .slice(0, limit)
    .map((r) => ({ ...r, amount: r.amount === null ? null : Number(r.amount) }));
  const last = items.at(-1);
  return {
    items,
    next_cursor: rows.rows.length > limit && last ? encode(last) : null,
  };
}

export const MemberMarketing = Type.Object({
  rfm: Nullable(
    Type.Object({
      r: Nullable(Type.Integer()),
      f: Nullable(Type.Integer()),
      m: Nullable(Type.Integer()),
      rfm_group: Nullable(Type.String()),
      lifecycle: Type.String(),
      computed_at: Timestamp,
    }),
  ),
  campaigns: Type.Array(
    Type.Object({
      campaign_id: Uuid,
      name: Type.String(),
      in_control: Type.Boolean(),
      outcome: Type.String(),
      decided_at: Nullable(Timestamp),
      /** the coupon it issued, and whether the member used it */
      coupon_status: Nullable(Type.String()),
    }),
  ),
});

/** The member's RFM scores and lifecycle stage, and the campaigns that reached them (newest first). */
export async function memberMarketing(db: Db, ctx: Ctx, memberId: string) {
  await getOwnRow(db, ctx, 'member', memberId, 'member.not_found');
  const rfm = await db
    .selectFrom('member_rfm')
    .select(['r', 'f', 'm', 'rfm_group', 'lifecycle', 'computed_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const campaigns = await sql<Static<typeof MemberMarketing>['campaigns'][number]>`
    select cm.campaign_id, c.name, cm.in_control, cm.outcome, cm.decided_at,
      cp.status as coupon_status
    from campaign_member cm
    join campaign c on c.merchant_id = cm.merchant_id and c.id = cm.campaign_id
    left join coupon cp on cp.merchant_id = cm.merchant_id and cp.id = cm.coupon_id
    where cm.merchant_id = ${ctx.merchantId} and cm.member_id = ${memberId}
    order by cm.decided_at desc nulls first, cm.campaign_id desc
    limit 100`.execute(db);
  return { rfm: rfm ?? null, campaigns: campaigns.rows };
}
