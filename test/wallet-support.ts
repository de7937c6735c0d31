import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Ctx } from '../src/core/context.ts';
import type { TenderInput } from '../src/core/payments/tender.rules.ts';
import type { PlanInput } from '../src/core/wallet/recharge.rules.ts';
import { rechargeMember } from '../src/core/wallet/recharge.service.ts';
import { createRechargePlan } from '../src/core/wallet/recharge-plan.service.ts';
import { payFromWallet } from '../src/core/wallet/wallet.service.ts';
import type { PaymentAuth } from '../src/core/wallet/wallet.table.ts';
import type { Db } from '../src/db/database.ts';
import { type App, buildApp } from '../src/http/app.ts';
import { testDb } from './db.ts';
import { auth, type TestMerchant, testConfig } from './factories.ts';

/** S9: pay ¥100, get ¥100 returned ¥20 a month for the next 5 months. */
export const S9_PLAN: PlanInput = {
  name: '充100送100（分5个月返还）',
  price_fen: 10000,
  bonus_fen: 10000,
  bonus_mode: 'monthly',
  bonus_instalments_fen: [2000, 2000, 2000, 2000, 2000],
};

export const cash = (amount_fen: number): TenderInput[] => [{ method: 'cash', amount_fen }];

export function createPlan(db: Db, ctx: Ctx, input: PlanInput) {
  return db.transaction().execute((trx) => createRechargePlan(trx, ctx, input));
}

export function recharge(
  db: Db,
  ctx: Ctx,
  memberId: string,
  input: { plan_id?: string; amount_fen?: number; tenders: TenderInput[] },
) {
  return db.transaction().execute((trx) => rechargeMember(trx, ctx, memberId, input));
}

export function pay(
  db: Db,
  ctx: Ctx,
  memberId: string,
  amount: number,
  auth: PaymentAuth = 'none',
) {
  return db
    .transaction()
    .execute((trx) =>
      payFromWallet(
        trx,
        ctx,
        memberId,
        { amount_fen: amount, order_ref: `o-${amount}-${randomUUID()}` },
        { method: auth },
      ),
    );
}

/**
 * The wallet invariants, for every member of a merchant: each balance equals the sum of its
 * entries, never negative, and the bonus ledger equals what released parts still hold
 * (these tests import no free bonus).
 */
export async function walletInvariants(db: Db, merchantId: string) {
  const { rows } = await sql<{ problems: number }>`
    select count(*)::int as problems from (
      select b.member_id from ledger_balance b
      left join ledger_entry e on e.merchant_id = b.merchant_id and e.member_id = b.member_id
        and e.ledger = b.ledger
      where b.merchant_id = ${merchantId}
      group by b.member_id, b.ledger, b.balance
      having b.balance <> coalesce(sum(e.amount), 0) or b.balance < 0
      union all
      select b.member_id from ledger_balance b
      where b.merchant_id = ${merchantId} and b.ledger = 'bonus' and b.balance <> coalesce((
        select sum(p.remaining_fen) from bonus_part p where p.merchant_id = b.merchant_id
          and p.member_id = b.member_id and p.status = 'released'), 0)
    ) t`.execute(db);
  return rows[0]!.problems;
}

export async function entriesOf(db: Db, merchantId: string, memberId: string) {
  return db
    .selectFrom('ledger_entry')
    .select(['ledger', 'kind', 'amount', 'balance_after'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * The real app plus one test-only hook: `x-test-now` sets the request's clock after auth,
 * so the S9 month edges can be driven through the API. Production never has this hook.
 */
export async function clockApp(db: Db): Promise<App> {
  const app = await buildApp({ db, config: testConfig() });
  app.addHook('preHandler', async (request) => {
    const now = request.headers['x-test-now'];
    if (typeof now === 'string' && request.ctx) request.ctx.now = new Date(now);
  });
  await app.ready();
  return app;
}

let sharedClockApp: Promise<{ app: App; db: Db }> | undefined;

/** This file's database and one clock-settable app on it, built once per test file. */
export function clockTestApp(): Promise<{ app: App; db: Db }> {
  sharedClockApp ??= (async () => {
    const { db } = await testDb();
    return { app: await clockApp(db), db };
  })();
  return sharedClockApp;
}

export function walletClient(app: App, m: TestMerchant) {
  return (
    role: 'owner' | 'manager' | 'cashier' | 'marketer',
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    body?: unknown,
    extra: { now?: string; key?: string } = {},
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...auth(m.tokens[role]),
        ...(extra.now ? { 'x-test-now': extra.now } : {}),
        ...(extra.key !== undefined ? { 'idempotency-key': extra.key } : {}),
        'accept-language': 'en',
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
}

export const key = () => randomUUID();
