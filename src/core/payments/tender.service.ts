import type { Db, Trx } from '../../db/database.ts';
import { cte, queries, type WriteSet, writeSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { providerByName, providerFor } from './payment-provider.ts';
import { allocateRefund, type TenderInput } from './tender.rules.ts';
import type { TenderRefType, TenderRow } from './tender.table.ts';

/** Takes each tender through its provider and records it against what it paid for. */
export async function chargeTenders(
  trx: Trx,
  ctx: Ctx,
  ref: { type: TenderRefType; id: string },
  tenders: readonly TenderInput[],
): Promise<TenderRow[]> {
  const rows = await takeTenders(trx, ctx, ref, tenders);
  return rows.length ? trx.insertInto('tender').values(rows).returningAll().execute() : [];
}

/** Each tender through its provider; the rows that record them (see `tenderWrites`). */
export async function takeTenders(
  trx: Trx,
  ctx: Ctx,
  ref: { type: TenderRefType; id: string },
  tenders: readonly TenderInput[],
): Promise<TenderRow[]> {
  const rows: TenderRow[] = [];
  for (const t of tenders) {
    const provider = providerFor(t.method);
    const result = await provider.charge(trx, ctx, {
      method: t.method,
      amount_fen: t.amount_fen,
      ref_type: ref.type,
      ref_id: ref.id,
    });
    rows.push({
      merchant_id: ctx.merchantId,
      id: newId(),
      ref_type: ref.type,
      ref_id: ref.id,
      direction: 'charge' as const,
      method: t.method,
      amount_fen: t.amount_fen,
      provider: provider.name,
      provider_ref: result.provider_ref,
      refunds_id: null,
      created_at: ctx.now,
    });
  }
  return rows;
}

/** The tender rows as a part of a `WriteSet`. */
export const tenderWrites = (name: string, rows: readonly TenderRow[]): WriteSet =>
  rows.length
    ? { ctes: [cte(name, queries.insertInto('tender').values([...rows]))], results: [] }
    : writeSet();

/** Pays `refundFen` back through the charges of `ref` (see `allocateRefund`). */
export async function refundTenders(
  trx: Trx,
  ctx: Ctx,
  ref: { type: TenderRefType; id: string },
  refundFen: number,
): Promise<TenderRow[]> {
  if (refundFen === 0) return [];
  const charges = await listTenders(trx, ctx, ref);
  const rows = [];
  for (const { charge, amount_fen } of allocateRefund(
    charges.filter((t) => t.direction === 'charge'),
    refundFen,
  )) {
    const provider = providerByName(charge.provider);
    const result = await provider.refund(trx, ctx, charge, amount_fen);
    rows.push({
      merchant_id: ctx.merchantId,
      id: newId(),
      ref_type: ref.type,
      ref_id: ref.id,
      direction: 'refund' as const,
      method: charge.method,
      amount_fen,
      provider: provider.name,
      provider_ref: result.provider_ref,
      refunds_id: charge.id,
      created_at: ctx.now,
    });
  }
  return trx.insertInto('tender').values(rows).returningAll().execute();
}

export function listTenders(
  db: Db | Trx,
  ctx: Ctx,
  ref: { type: TenderRefType; id: string },
): Promise<TenderRow[]> {
  return db
    .selectFrom('tender')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('ref_type', '=', ref.type)
    .where('ref_id', '=', ref.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** A tender as every response shows it. */
export const presentTender = (t: TenderRow) => ({
  id: t.id,
  direction: t.direction,
  method: t.method,
  amount_fen: t.amount_fen,
  provider: t.provider,
  provider_ref: t.provider_ref,
  created_at: t.created_at,
});
