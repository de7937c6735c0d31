import type { ErrorCode } from '../../lib/error-codes.ts';
import { DomainError } from '../../lib/errors.ts';
import type { TenderMethod } from './tender.table.ts';

export interface TenderInput {
  method: TenderMethod;
  amount_fen: number;
}

/** Tenders must pay the price exactly: each a positive whole fen, together the price. */
export function checkTenders(
  tenders: readonly TenderInput[],
  priceFen: number,
  code: ErrorCode,
): void {
  if (tenders.length === 0) throw new DomainError(code, { field: 'tenders' });
  tenders.forEach((t, i) => {
    if (!Number.isSafeInteger(t.amount_fen) || t.amount_fen <= 0)
      throw new DomainError(code, { field: `tenders.${i}.amount_fen` });
  });
  const paid = tenders.reduce((sum, t) => sum + t.amount_fen, 0);
  if (paid !== priceFen)
    throw new DomainError(code, {
      field: 'tenders',
      params: { expected_fen: priceFen, tendered_fen: paid },
    });
}

/**
 * A refund goes back through the tenders that paid, last tender first (the change-giving
 * order at a till: the card or QR payment that topped up the cash is returned first), each
 * at most what it paid.
 */
export function allocateRefund<T extends { id: string; amount_fen: number }>(
  charges: readonly T[],
  refundFen: number,
): { charge: T; amount_fen: number }[] {
  let left = refundFen;
  const out: { charge: T; amount_fen: number }[] = [];
  for (const charge of [...charges].reverse()) {
    if (left === 0) break;
    const n = Math.min(left, charge.amount_fen);
    out.push({ charge, amount_fen: n });
    left -= n;
  }
  if (left > 0) throw new Error(`refund exceeds the tenders by ${left} fen`);
  return out;
}
