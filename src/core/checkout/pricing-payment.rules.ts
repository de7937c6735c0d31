import { allocateLargestRemainder } from '../../lib/allocate.ts';
import { earnPoints } from '../points/points-earn.rules.ts';
import { growthFromSpend } from '../tiers/tier.rules.ts';
import { splitPayment } from '../wallet/wallet.rules.ts';
import type { PricedLine, PricingInput, Problem, TraceStep } from './pricing.rules.ts';

const sum = (ns: readonly number[]) => ns.reduce((s, n) => s + n, 0);
const share = (total: number, weights: readonly number[]) =>
  total === 0 ? weights.map(() => 0) : allocateLargestRemainder(total, weights);

/**
 * Stored value (split into principal and bonus by the merchant's spending order, through
 * wallet.rules) then the other tenders; together they must pay the amount due exactly. The
 * bonus is spread over the lines' dues, principal over what each line has left, the tenders
 * take the rest of each line, so every line adds up.
 */
export function paymentStep(
  input: PricingInput,
  lines: PricedLine[],
  trace: TraceStep[],
  problems: Problem[],
) {
  const due = sum(lines.map((l) => l.due_fen));
  let principal = 0;
  let bonus = 0;
  const sv = input.stored_value_fen;
  if (sv > 0 && !input.member)
    problems.push({
      code: 'wallet.insufficient',
      field: 'stored_value_fen',
      params: { available_fen: 0 },
    });
  else if (sv > 0) {
    const split = splitPayment(sv, input.member!.wallet, input.settings.spending_order);
    if (!split.ok)
      problems.push({
        code: 'wallet.insufficient',
        field: 'stored_value_fen',
        params: { available_fen: split.available_fen },
      });
    else if (sv <= due) {
      principal = split.principal_fen;
      bonus = split.bonus_fen;
      trace.push({ step: 'stored_value', principal_fen: principal, bonus_fen: bonus });
    }
  }
  const bonusShares = share(
    bonus,
    lines.map((l) => l.due_fen),
  );
  const principalShares = share(
    principal,
    lines.map((l, i) => l.due_fen - bonusShares[i]!),
  );
  lines.forEach((l, i) => {
    l.bonus_fen = bonusShares[i]!;
    l.principal_fen = principalShares[i]!;
    l.tender_fen = l.due_fen - l.bonus_fen - l.principal_fen;
  });
  input.tenders.forEach((t, i) => {
    const received = t.received_fen ?? t.amount_fen;
    const bad = !Number.isSafeInteger(t.amount_fen) || t.amount_fen <= 0 || received < t.amount_fen;
    if (bad || (t.method !== 'cash' && received !== t.amount_fen))
      problems.push({
        code: 'checkout.tenders_mismatch',
        field: `tenders.${i}.amount_fen`,
        params: {},
      });
    trace.push({
      step: 'tender',
      method: t.method,
      amount_fen: t.amount_fen,
      change_fen: received - t.amount_fen,
    });
  });
  const tendered = sv + sum(input.tenders.map((t) => t.amount_fen));
  if (tendered !== due)
    problems.push({
      code: 'checkout.tenders_mismatch',
      field: 'tenders',
      params: { expected_fen: due, tendered_fen: tendered },
    });
}

/**
 * Points and growth on what was actually paid (PRODUCT.md): each line's due, less the
 * stored value that does not earn; points by earnPoints (rounded down per category total,
 * tier and campaign multipliers), then spread back over the category's lines so a partial
 * refund claws back exactly its share.
 */
export function earnStep(input: PricingInput, lines: PricedLine[], trace: TraceStep[], now: Date) {
  const member = input.member;
  if (!member) return;
  const { principal_earns, bonus_earns, fen_per_growth } = input.settings;
  for (const l of lines)
    l.earn_base_fen =
      l.due_fen - (principal_earns ? 0 : l.principal_fen) - (bonus_earns ? 0 : l.bonus_fen);
  const earned = earnPoints(
    lines.map((l) => ({ category: l.category, amount_fen: l.earn_base_fen })),
    input.settings.earn,
    member.tier,
    member,
    now,
  );
  for (const c of earned.categories) {
    const mine = lines.filter((l) => l.category === c.category);
    const weights = mine.map((l) => l.earn_base_fen);
    const shares = sum(weights) === 0 ? weights : share(c.points, weights);
    mine.forEach((l, i) => {
      l.points_earned = shares[i]!;
    });
  }
  const base = sum(lines.map((l) => l.earn_base_fen));
  const growth = fen_per_growth ? growthFromSpend(base, fen_per_growth) : 0;
  share(
    growth,
    lines.map((l) => l.earn_base_fen),
  ).forEach((n, i) => {
    lines[i]!.growth = n;
  });
  trace.push({ step: 'earn', base_fen: base, points: earned.points, growth });
}
