import type { BonusPartStatus, PartUse, SpendingOrder } from './wallet.table.ts';

/** What the rules need of a bonus part. */
export interface PartState {
  id: string;
  amount_fen: number;
  remaining_fen: number;
  closed_fen: number;
  available_from: Date;
  expires_at: Date | null;
  status: BonusPartStatus;
}

export type PartWindow = 'pending' | 'spendable' | 'expired' | 'forfeited' | 'used_up';

/**
 * Where a part stands at `now`, decided by time alone (S9): spendable iff
 * available_from <= now < expires_at. A part whose window has passed is expired even if the
 * expiry job has not run yet; one whose window has opened is spendable before the release job.
 */
export function partWindow(part: PartState, now: Date): PartWindow {
  if (part.status === 'forfeited') return 'forfeited';
  if (part.status === 'expired') return 'expired';
  const t = now.getTime();
  if (part.expires_at !== null && t >= part.expires_at.getTime()) return 'expired';
  if (t < part.available_from.getTime()) return 'pending';
  return part.remaining_fen > 0 ? 'spendable' : 'used_up';
}

export interface DueTransitions {
  /** windows opened: +amount to the bonus ledger */
  release: PartState[];
  /** windows closed with money left: -remaining from the bonus ledger */
  expire: PartState[];
  /** windows opened and closed before anything released them: never in the ledger, just closed */
  lapse: PartState[];
}

/** What the release and expiry jobs (or a spend catching up for them) must post at `now`. */
export function dueTransitions(parts: readonly PartState[], now: Date): DueTransitions {
  const due: DueTransitions = { release: [], expire: [], lapse: [] };
  const t = now.getTime();
  for (const part of parts) {
    const ended = part.expires_at !== null && t >= part.expires_at.getTime();
    if (part.status === 'pending' && ended) due.lapse.push(part);
    else if (part.status === 'pending' && t >= part.available_from.getTime())
      due.release.push(part);
    else if (part.status === 'released' && ended) due.expire.push(part);
  }
  return due;
}

/**
 * The parts as they stand once everything due at `now` is posted: opened windows released,
 * closed ones expired with their remainder. The service writes exactly this; quotes read it.
 */
export function settleParts(parts: readonly PartState[], now: Date): PartState[] {
  const t = now.getTime();
  return parts.map((p) => {
    if (p.status !== 'pending' && p.status !== 'released') return p;
    if (p.expires_at !== null && t >= p.expires_at.getTime())
      return {
        ...p,
        status: 'expired',
        closed_fen: p.closed_fen + p.remaining_fen,
        remaining_fen: 0,
      };
    if (p.status === 'pending' && t >= p.available_from.getTime())
      return { ...p, status: 'released' };
    return p;
  });
}

export interface SpendableBonus {
  /** parts with an end date, soonest expiry first: always used before anything else */
  expiring: PartUse[];
  /** bonus in the ledger that no part explains (imported, merged in): never expires */
  free_fen: number;
  /** parts without an end date, oldest first */
  lasting: PartUse[];
  total_fen: number;
}

const byWindow = (a: PartState, b: PartState) =>
  (a.expires_at?.getTime() ?? 0) - (b.expires_at?.getTime() ?? 0) ||
  a.available_from.getTime() - b.available_from.getTime() ||
  (a.id < b.id ? -1 : 1);

const use = (p: PartState): PartUse => ({ part_id: p.id, amount_fen: p.remaining_fen });
const sum = (uses: readonly PartUse[]) => uses.reduce((n, u) => n + u.amount_fen, 0);

/**
 * The bonus a member can spend at `now`, in the order it is used: expiring parts (soonest
 * expiry first), then non-expiring bonus oldest first (free bonus, then parts by release).
 * `bonusLedgerFen` is the bonus ledger balance; what released parts do not explain is "free".
 * If the ledger holds less than the parts claim (a part moved away by a merge), the ledger
 * wins: the total is capped and the last parts in spending order are the ones cut.
 */
export function spendableBonus(
  bonusLedgerFen: number,
  parts: readonly PartState[],
  now: Date,
): SpendableBonus {
  const released = parts
    .filter((p) => p.status === 'released')
    .reduce((n, p) => n + p.remaining_fen, 0);
  const open = parts.filter((p) => partWindow(p, now) === 'spendable').sort(byWindow);
  const expiring = open.filter((p) => p.expires_at !== null).map(use);
  const lasting = open.filter((p) => p.expires_at === null).map(use);
  const free = Math.max(0, bonusLedgerFen - released);
  let deficit = Math.max(0, released - bonusLedgerFen);
  for (const list of [lasting, expiring]) {
    for (let i = list.length - 1; i >= 0 && deficit > 0; i--) {
      const cut = Math.min(deficit, list[i]!.amount_fen);
      list[i] = { ...list[i]!, amount_fen: list[i]!.amount_fen - cut };
      deficit -= cut;
    }
  }
  const total = sum(expiring) + free + sum(lasting);
  return { expiring, free_fen: free, lasting, total_fen: total };
}

export type Split =
  | { ok: true; principal_fen: number; bonus_fen: number }
  | { ok: false; available_fen: number };

/**
 * How a balance payment is taken from principal and bonus (a merchant setting).
 * Proportional: in proportion to the available balances, the bonus share rounded DOWN, so any
 * odd fen comes from principal (real money already received): rounding in the merchant's favour.
 */
export function splitPayment(
  amountFen: number,
  available: { principal_fen: number; bonus_fen: number },
  order: SpendingOrder,
): Split {
  const { principal_fen: p, bonus_fen: b } = available;
  // a balance may be any safe integer, so the sum (and the product below) can pass 2^53
  const total = BigInt(p) + BigInt(b);
  if (BigInt(amountFen) > total) return { ok: false, available_fen: Number(total) };
  let bonus: number;
  switch (order) {
    case 'bonus_first':
      bonus = Math.min(amountFen, b);
      break;
    case 'principal_first':
      bonus = amountFen - Math.min(amountFen, p);
      break;
    case 'proportional':
      // exact: the bonus share amount * b / (p + b) rounded down, in BigInt (the product of two
      // safe integers does not fit a double); the result is at most b, so it is safe again
      bonus = total === 0n ? 0 : Number((BigInt(amountFen) * BigInt(b)) / total);
      break;
  }
  return { ok: true, principal_fen: amountFen - bonus, bonus_fen: bonus };
}

/** Which parts pay `bonusFen`, in the order of `spendableBonus`; the rest is free bonus. */
export function allocateBonus(
  bonusFen: number,
  spendable: SpendableBonus,
): { uses: PartUse[]; free_fen: number } {
  let left = bonusFen;
  const uses: PartUse[] = [];
  const take = (list: readonly PartUse[]) => {
    for (const p of list) {
      const n = Math.min(left, p.amount_fen);
      if (n > 0) uses.push({ part_id: p.part_id, amount_fen: n });
      left -= n;
    }
  };
  take(spendable.expiring);
  const free = Math.min(left, spendable.free_fen);
  left -= free;
  take(spendable.lasting);
  if (left > 0) throw new Error(`bonus allocation short by ${left} fen`);
  return { uses, free_fen: free };
}
