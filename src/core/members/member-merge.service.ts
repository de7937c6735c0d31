import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { refreshMemberFacts } from '../facts/member-fact.service.ts';
import { getBalances, postEntry } from '../ledger/ledger.service.ts';
import type { LedgerName } from '../ledger/ledger.table.ts';
import { moveLots } from '../points/points-lot.service.ts';
import { moveMemberTags } from '../tags/member-tag.service.ts';
import { mergeLoyalty } from '../tiers/growth.service.ts';
import { moveBonusParts } from '../wallet/bonus-part.service.ts';
import { movePaymentPassword } from '../wallet/payment-password.service.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import { mergedProfile } from './member.rules.ts';
import type { MemberMergeRow, MemberRow } from './member.table.ts';

const LEDGERS: LedgerName[] = ['points', 'principal', 'bonus'];

/**
 * S10: two records of one person become one. In one transaction the merged member's
 * identities, balances (as paired merge_out/merge_in entries) and referrals move to the
 * survivor, the survivor fills its empty profile fields, and the merged record is kept as
 * `merged` pointing at the survivor, so lookups by its phone or card still arrive there.
 */
export async function mergeMembers(
  trx: Trx,
  ctx: Ctx,
  survivorId: string,
  mergedId: string,
): Promise<MemberMergeRow> {
  if (survivorId === mergedId) throw new DomainError('member.merge_same', { field: 'merged_id' });
  const { survivor, merged } = await lockPair(trx, ctx, survivorId, mergedId);
  const mergeId = newId();

  const identities = await trx
    .updateTable('member_identity')
    .set({ member_id: survivorId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', mergedId)
    .executeTakeFirst();

  // value keeps its expiry: points lots and monthly bonus parts move with the balances. They
  // are locked (and moved) before the balances are read, in the order the expiry sweep locks
  // (lots, then balances), so a sweep racing the merge either ran before (and the balance read
  // here is what it left) or runs after, on the survivor.
  const lots = await moveLots(trx, ctx, mergedId, survivorId);
  const bonusParts = await moveBonusParts(trx, ctx, mergedId, survivorId);
  const balances = await getBalances(trx, ctx, mergedId);
  const holdings = await moveHoldings(trx, ctx, mergedId, survivorId);
  for (const ledger of LEDGERS) {
    const amount = balances[ledger];
    if (amount <= 0) continue;
    const ref = { refType: 'member_merge', refId: mergeId };
    await postEntry(trx, ctx, {
      ledger,
      memberId: mergedId,
      amount: -amount,
      kind: 'merge_out',
      ...ref,
    });
    await postEntry(trx, ctx, { ledger, memberId: survivorId, amount, kind: 'merge_in', ...ref });
  }

  await trx
    .updateTable('member')
    .set({ referrer_id: survivorId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('referrer_id', '=', mergedId)
    .where('id', '!=', survivorId)
    .execute();
  // earlier merges into the merged record now point straight at the survivor
  await trx
    .updateTable('member')
    .set({ merged_into_id: survivorId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('merged_into_id', '=', mergedId)
    .execute();

  const patch = mergedProfile(survivor, merged);
  const takesPhone = patch.phone !== undefined;
  await trx
    .updateTable('member')
    .set({
      status: 'merged',
      merged_into_id: survivorId,
      updated_at: ctx.now,
      ...(takesPhone ? { phone: null } : {}),
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', mergedId)
    .execute();
  const { custom, ...fields } = patch;
  const customJson = custom ? JSON.stringify(custom) : undefined;
  await trx
    .updateTable('member')
    .set({ ...fields, ...(customJson ? { custom: customJson } : {}), updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', survivorId)
    .execute();

  const moved = {
    identities: Number(identities.numUpdatedRows),
    lots,
    bonus_parts: bonusParts,
    ...holdings,
    balances,
    profile: Object.keys(patch),
    merged_phone: merged.phone,
    merged_card_no: merged.card_no,
  };
  const record = await trx
    .insertInto('member_merge')
    .values({
      merchant_id: ctx.merchantId,
      id: mergeId,
      survivor_id: survivorId,
      merged_id: mergedId,
      moved: JSON.stringify(moved),
      actor_id: ctx.actor.id,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await refreshMemberFacts(trx, ctx, [survivorId, mergedId]);
  await emitEvent(trx, ctx, 'member.merged', {
    merge_id: mergeId,
    survivor_id: survivorId,
    merged_id: mergedId,
    balances_moved: balances,
  });
  for (const [entityId, role] of [
    [survivorId, 'survivor'],
    [mergedId, 'merged'],
  ] as const) {
    await recordAudit(trx, ctx, {
      action: 'member.merge',
      entityType: 'member',
      entityId,
      after: { merge_id: mergeId, role, survivor_id: survivorId, merged_id: mergedId, moved },
    });
  }
  return record;
}

/**
 * What else the person holds moves with them, so the survivor can refund a recharge or a paid
 * membership and cancel a redemption made by the merged record: those rows now name the
 * survivor (their ledger entries stay where they were written). Growth keeps its dates, the
 * higher tier wins, and the survivor's payment password stays (see `movePaymentPassword`).
 */
async function moveHoldings(trx: Trx, ctx: Ctx, mergedId: string, survivorId: string) {
  const move = async (table: 'recharge' | 'paid_membership' | 'mall_redemption') => {
    const result = await trx
      .updateTable(table)
      .set({ member_id: survivorId })
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', mergedId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  };
  return {
    recharges: await move('recharge'),
    paid_memberships: await move('paid_membership'),
    mall_redemptions: await move('mall_redemption'),
    loyalty: await mergeLoyalty(trx, ctx, mergedId, survivorId),
    payment_password: await movePaymentPassword(trx, ctx, mergedId, survivorId),
    tags: await moveMemberTags(trx, ctx, mergedId, survivorId),
  };
}

/**
 * Locks both rows in id order, so two merges of the same pair cannot deadlock. FOR NO KEY
 * UPDATE, not FOR UPDATE: a merge changes no key, and the ledger entries other transactions
 * insert meanwhile (the expiry sweep's, under its lot locks) take a key-share lock on the
 * member for their foreign key, which FOR UPDATE would block into a deadlock.
 */
async function lockPair(trx: Trx, ctx: Ctx, survivorId: string, mergedId: string) {
  const rows = await trx
    .selectFrom('member')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', [survivorId, mergedId])
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
  const find = (id: string, field: string): MemberRow => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new DomainError('member.not_found', { field });
    if (row.status !== 'active')
      throw new DomainError('member.not_active', { field, params: { status: row.status } });
    return row;
  };
  return { survivor: find(survivorId, 'survivor_id'), merged: find(mergedId, 'merged_id') };
}
