import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { countOf, cte, executeWrites, type WriteSet, writeSet } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { auditWrites } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { ledgerEntriesOf, ledgerWrites, type Posting } from '../ledger/ledger.service.ts';
import { getMemberRow } from '../members/member.service.ts';
import type { MemberCodeClaim } from '../members/member-code.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { settleDueParts } from './bonus-part.service.ts';
import { isLocked, passwordRequired } from './payment-password.rules.ts';
import {
  getPasswordStatus,
  type PasswordStatus,
  type WalletAuth,
} from './payment-password.service.ts';
import { MAX_FEN } from './recharge.rules.ts';
import {
  allocateBonus,
  type PartState,
  type PartWindow,
  partWindow,
  spendableBonus,
  splitPayment,
} from './wallet.rules.ts';
import type { BonusPartRow, PaymentAuth, SpendingOrder, WalletPaymentRow } from './wallet.table.ts';

export interface WalletState {
  principal_fen: number;
  bonus_ledger_fen: number;
  parts: PartState[];
}

export interface StateRow {
  principal_fen: number;
  bonus_fen: number;
  parts: RawPart[];
}

export const toState = (row: StateRow): WalletState => ({
  principal_fen: row.principal_fen,
  bonus_ledger_fen: row.bonus_fen,
  parts: row.parts.map(toPartState),
});

/**
 * Locks the member row (the one lock every wallet change takes first) and, in the same round
 * trip, reads the merchant's settings, the password lock and the wallet state. The lock is
 * taken in a materialized CTE; `wallet_state` (PL/pgSQL, volatile) runs after it with a fresh
 * snapshot, so it sees what the previous holder of the lock committed.
 */
export async function lockWallet(trx: Trx, ctx: Ctx, memberId: string, orderRef = '') {
  const { rows } = await sql<
    StateRow & {
      status: string;
      spending_order: SpendingOrder | null;
      password_threshold_fen: number | null;
      locked_until: Date | null;
      paid: WalletPaymentRow | null;
    }
  >`
    with locked as materialized (
      select m.status, s.spending_order, s.password_threshold_fen, pp.locked_until,
        (select row_to_json(p) from wallet_payment p
          where p.merchant_id = m.merchant_id and p.order_ref = ${orderRef}) as paid
      from member m
      left join wallet_setting s on s.merchant_id = m.merchant_id
      left join payment_password pp on pp.merchant_id = m.merchant_id and pp.member_id = m.id
      where m.merchant_id = ${ctx.merchantId} and m.id = ${memberId}
      for update of m
    )
    select locked.*, w.* from locked
    cross join lateral wallet_state(${ctx.merchantId}::uuid, ${memberId}::uuid) w`.execute(trx);
  const row = rows[0];
  if (!row) throw new DomainError('member.not_found');
  if (row.status !== 'active')
    throw new DomainError('member.not_active', { params: { status: row.status } });
  return {
    spending_order: row.spending_order ?? 'proportional',
    password_threshold_fen: row.password_threshold_fen,
    locked_until: row.locked_until,
    paid: row.paid,
    state: toState(row),
  };
}

/** Balances and open bonus parts (see `wallet_state`); under a lock, read with `lockWallet`. */
export async function readWalletState(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<WalletState> {
  const { rows } = await sql<StateRow>`
    select * from wallet_state(${ctx.merchantId}::uuid, ${memberId}::uuid)`.execute(db);
  return toState(rows[0]!);
}

interface RawPart extends Omit<PartState, 'available_from' | 'expires_at'> {
  available_from: string;
  expires_at: string | null;
}

const toPartState = (p: RawPart): PartState => ({
  ...p,
  available_from: new Date(p.available_from),
  expires_at: p.expires_at === null ? null : new Date(p.expires_at),
});

export interface PayInput {
  amount_fen: number;
  order_ref: string;
  store_id?: string | null | undefined;
}

/**
 * Balance payment: lock the member, post whatever bonus windows opened or closed by now, ask
 * the rules how to split the amount between principal and bonus (and which bonus parts pay),
 * then post. More than is spendable is a 409 carrying the available amount, and nothing moves.
 * An order reference is paid once (409 carrying the first payment); a member code pays once.
 */
export async function payFromWallet(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: PayInput,
  auth: WalletAuth,
) {
  if (!Number.isSafeInteger(input.amount_fen) || input.amount_fen < 1 || input.amount_fen > MAX_FEN)
    throw new DomainError('wallet.amount_invalid', { field: 'amount_fen' });
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  const wallet = await lockWallet(trx, ctx, memberId, input.order_ref);
  if (wallet.paid) throw orderAlreadyPaid(wallet.paid);
  const { state } = wallet;
  const settled = await settleDueParts(trx, ctx, memberId, state.parts, state.bonus_ledger_fen);
  const plan = planWalletPayment(ctx, memberId, input, auth, wallet, {
    principal_fen: state.principal_fen,
    ...settled,
  });
  const result = await executeWrites(trx, walletPaymentWrites(ctx, 'pay', plan));
  return walletPaymentOf(trx, ctx, result, 'pay', plan);
}

export interface WalletPaymentPlan {
  row: WalletPaymentRow;
  code: MemberCodeClaim | undefined;
  postings: Posting[];
  before: { principal_fen: number; bonus_fen: number };
  balances: { principal_fen: number; bonus_fen: number };
}

/**
 * A balance payment decided on the wallet read under the member lock (with its due bonus
 * windows settled): the password lock and threshold, the split between principal and bonus
 * (more than is spendable is a 409 carrying the available amount), the parts that pay.
 */
export function planWalletPayment(
  ctx: Ctx,
  memberId: string,
  input: PayInput,
  { method: auth, code }: WalletAuth,
  wallet: {
    locked_until: Date | null;
    password_threshold_fen: number | null;
    spending_order: SpendingOrder;
  },
  state: { principal_fen: number; bonus_fen: number; parts: PartState[] },
): WalletPaymentPlan {
  checkAuthorised(wallet, input.amount_fen, auth, ctx.now);
  const spendable = spendableBonus(state.bonus_fen, state.parts, ctx.now);
  const split = splitPayment(
    input.amount_fen,
    { principal_fen: state.principal_fen, bonus_fen: spendable.total_fen },
    wallet.spending_order,
  );
  if (!split.ok)
    throw new DomainError('wallet.insufficient', {
      field: 'amount_fen',
      params: {
        available_fen: split.available_fen,
        principal_fen: state.principal_fen,
        bonus_fen: spendable.total_fen,
      },
    });
  const id = newId();
  const posting = (ledger: 'principal' | 'bonus', amount: number): Posting[] =>
    amount > 0
      ? [
          {
            id: newId(),
            ledger,
            memberId,
            amount: -amount,
            kind: 'payment',
            refType: 'wallet_payment',
            refId: id,
          },
        ]
      : [];
  const before = { principal_fen: state.principal_fen, bonus_fen: state.bonus_fen };
  return {
    row: {
      merchant_id: ctx.merchantId,
      id,
      member_id: memberId,
      order_ref: input.order_ref,
      store_id: input.store_id ?? ctx.storeId ?? null,
      amount_fen: input.amount_fen,
      principal_fen: split.principal_fen,
      bonus_fen: split.bonus_fen,
      bonus_parts: allocateBonus(split.bonus_fen, spendable).uses,
      auth,
      created_at: ctx.now,
    },
    code,
    postings: [...posting('principal', split.principal_fen), ...posting('bonus', split.bonus_fen)],
    before,
    balances: {
      principal_fen: before.principal_fen - split.principal_fen,
      bonus_fen: before.bonus_fen - split.bonus_fen,
    },
  };
}

/**
 * The payment's facts as one `WriteSet`, because round trips are the cost of this hot path:
 * the ledger postings, the member code's nonce (under its primary key: a code pays once), the
 * amounts taken off the bonus parts (relative, under the member lock), the payment row (once
 * per order reference) and its audit row (the row `recordAudit` writes, with before/after of
 * the balances).
 */
export function walletPaymentWrites(ctx: Ctx, name: string, plan: WalletPaymentPlan): WriteSet {
  const p = plan.row;
  const after = {
    payment_id: p.id,
    order_ref: p.order_ref,
    principal_fen: p.principal_fen,
    bonus_fen: p.bonus_fen,
    auth: p.auth,
    balances: plan.balances,
  };
  const uses = p.bonus_parts.map((u) => sql`(${u.part_id}::uuid, ${u.amount_fen}::bigint)`);
  const c = plan.code;
  return writeSet(ledgerWrites(ctx, name, plan.postings), {
    ctes: [
      cte(
        `${name}_payment`,
        sql`insert into wallet_payment (merchant_id, id, member_id, order_ref, store_id,
            amount_fen, principal_fen, bonus_fen, bonus_parts, auth, created_at)
          values (${ctx.merchantId}, ${p.id}, ${p.member_id}, ${p.order_ref}, ${p.store_id},
            ${p.amount_fen}, ${p.principal_fen}, ${p.bonus_fen}, ${JSON.stringify(p.bonus_parts)},
            ${p.auth}, ${p.created_at})
          on conflict (merchant_id, order_ref) do nothing
          returning id`,
      ),
      auditWrites(ctx, `${name}_audit`, [
        {
          action: 'wallet.pay',
          entityType: 'member',
          entityId: p.member_id,
          before: { balances: plan.before },
          after,
        },
      ]).ctes[0]!,
      ...(uses.length
        ? [
            cte(
              `${name}_parts`,
              sql`update bonus_part b set remaining_fen = b.remaining_fen - v.amount
                from (values ${sql.join(uses)}) as v (id, amount)
                where b.merchant_id = ${ctx.merchantId} and b.id = v.id`,
            ),
          ]
        : []),
      ...(c
        ? [
            cte(
              `${name}_code`,
              sql`insert into member_code_use (merchant_id, nonce, member_id, expires_at, used_at)
                values (${ctx.merchantId}, ${c.nonce}, ${c.member_id}, ${c.expires_at}, ${ctx.now})
                on conflict do nothing returning nonce`,
            ),
          ]
        : []),
    ],
    results: [countOf(`${name}_payment`), ...(c ? [countOf(`${name}_code`)] : [])],
  });
}

/** The payment `walletPaymentWrites` recorded, or the refusal of what it could not record. */
export async function walletPaymentOf(
  trx: Trx,
  ctx: Ctx,
  result: Record<string, unknown>,
  name: string,
  plan: WalletPaymentPlan,
) {
  if (plan.code && result[`${name}_code`] === 0)
    throw new DomainError('member.code_used', { field: 'member_code' });
  ledgerEntriesOf(result, name, plan.postings);
  if (result[`${name}_payment`] === 0) {
    // another member's payment of this order committed meanwhile: refuse, and everything rolls back
    const paid = await trx
      .selectFrom('wallet_payment')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where('order_ref', '=', plan.row.order_ref)
      .executeTakeFirstOrThrow();
    throw orderAlreadyPaid(paid);
  }
  return presentPayment(plan.row, plan.balances);
}

const orderAlreadyPaid = (paid: WalletPaymentRow) =>
  new DomainError('wallet.order_already_paid', {
    field: 'order_ref',
    params: {
      payment: {
        id: paid.id,
        member_id: paid.member_id,
        order_ref: paid.order_ref,
        amount_fen: Number(paid.amount_fen),
        principal_fen: Number(paid.principal_fen),
        bonus_fen: Number(paid.bonus_fen),
        created_at: new Date(paid.created_at).toISOString(),
      },
    },
  });

/** A lock from wrong passwords stops every balance payment; above the threshold, one is needed. */
function checkAuthorised(
  wallet: { locked_until: Date | null; password_threshold_fen: number | null },
  amountFen: number,
  auth: PaymentAuth,
  now: Date,
): void {
  if (wallet.locked_until && isLocked({ failed_tries: 0, locked_until: wallet.locked_until }, now))
    throw new DomainError('payment_password.locked', {
      params: { locked_until: wallet.locked_until.toISOString() },
    });
  if (auth === 'none' && passwordRequired(amountFen, wallet.password_threshold_fen))
    throw new DomainError('payment_password.required', {
      field: 'payment_password',
      params: { threshold_fen: wallet.password_threshold_fen },
    });
}

export const presentPayment = (
  payment: WalletPaymentRow,
  balances: { principal_fen: number; bonus_fen: number },
) => ({
  id: payment.id,
  member_id: payment.member_id,
  order_ref: payment.order_ref,
  store_id: payment.store_id,
  amount_fen: payment.amount_fen,
  principal_fen: payment.principal_fen,
  bonus_fen: payment.bonus_fen,
  bonus_parts: payment.bonus_parts,
  auth: payment.auth,
  balances,
  created_at: payment.created_at,
});

export interface PartView {
  id: string;
  recharge_id: string;
  seq: number;
  amount_fen: number;
  remaining_fen: number;
  available_from: Date;
  expires_at: Date | null;
  state: PartWindow;
}

export const presentPart = (part: BonusPartRow, now: Date): PartView => ({
  id: part.id,
  recharge_id: part.recharge_id,
  seq: part.seq,
  amount_fen: part.amount_fen,
  remaining_fen: part.status === 'pending' || part.status === 'released' ? part.remaining_fen : 0,
  available_from: part.available_from,
  expires_at: part.expires_at,
  state: partWindow(part, now),
});

export interface WalletView {
  member_id: string;
  principal_fen: number;
  /** bonus spendable now, decided by time (whether or not the jobs have run) */
  bonus_fen: number;
  bonus_ledger_fen: number;
  /** bonus of parts whose window has not opened yet */
  bonus_pending_fen: number;
  spendable_fen: number;
  parts: PartView[];
  payment_password: PasswordStatus;
}

/** The wallet as a member would see it at `ctx.now`; reads only, writes nothing. */
export async function getWallet(db: Db, ctx: Ctx, memberId: string): Promise<WalletView> {
  await getMemberRow(db, ctx, memberId);
  const state = await readWalletState(db, ctx, memberId);
  const spendable = spendableBonus(state.bonus_ledger_fen, state.parts, ctx.now);
  const parts = await db
    .selectFrom('bonus_part')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('available_from', 'desc')
    .orderBy('seq', 'desc')
    .limit(200)
    .execute();
  const pending = state.parts
    .filter((p) => partWindow(p, ctx.now) === 'pending')
    .reduce((n, p) => n + p.remaining_fen, 0);
  return {
    member_id: memberId,
    principal_fen: state.principal_fen,
    bonus_fen: spendable.total_fen,
    bonus_ledger_fen: state.bonus_ledger_fen,
    bonus_pending_fen: pending,
    spendable_fen: state.principal_fen + spendable.total_fen,
    parts: parts.map((p) => presentPart(p, ctx.now)).reverse(),
    payment_password: await getPasswordStatus(db, ctx, memberId),
  };
}

export async function listWalletPayments(db: Db, ctx: Ctx, memberId: string, limit: number) {
  await getMemberRow(db, ctx, memberId);
  return db
    .selectFrom('wallet_payment')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
