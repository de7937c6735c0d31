import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { DomainError } from '../../lib/errors.ts';
import { getBalances, postEntry } from './ledger.service.ts';
import type { LedgerName } from './ledger.table.ts';

async function sumsMatch(merchantId: string) {
  const { db } = await testDb();
  const { rows } = await sql<{ mismatches: number }>`
    select count(*)::int as mismatches from (
      select b.member_id, b.ledger, b.balance, coalesce(sum(e.amount), 0)::bigint as total
      from ledger_balance b
      left join ledger_entry e on e.merchant_id = b.merchant_id and e.member_id = b.member_id and e.ledger = b.ledger
      where b.merchant_id = ${merchantId}
      group by b.member_id, b.ledger, b.balance
    ) t where t.balance <> t.total`.execute(db);
  return rows[0]!.mismatches;
}

describe('ledger core', () => {
  it('entries always sum to balances, and an overdraft changes nothing (property)', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const members = [await createMember(db, ctx), await createMember(db, ctx)];
    const op = fc.record({
      member: fc.integer({ min: 0, max: 1 }),
      ledger: fc.constantFrom<LedgerName>('points', 'principal', 'bonus'),
      amount: fc.integer({ min: -5000, max: 5000 }).filter((n) => n !== 0),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        for (const o of ops) {
          const memberId = members[o.member]!.id;
          const before = await getBalances(db, ctx, memberId);
          try {
            const entry = await db
              .transaction()
              .execute((trx) =>
                postEntry(trx, ctx, { ledger: o.ledger, memberId, amount: o.amount, kind: 'test' }),
              );
            expect(entry.balance_after).toBe(before[o.ledger] + o.amount);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            expect((e as DomainError).code).toBe('ledger.insufficient_balance');
            expect(before[o.ledger] + o.amount).toBeLessThan(0);
            expect(await getBalances(db, ctx, memberId)).toEqual(before);
          }
        }
        expect(await sumsMatch(m.merchantId)).toBe(0);
      }),
      { numRuns: 25 },
    );
  });

  it('50 concurrent posts on one member lose no update and never go negative', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const member = await createMember(db, ctx);
    await db.transaction().execute((trx) =>
      postEntry(trx, ctx, {
        ledger: 'principal',
        memberId: member.id,
        amount: 1000,
        kind: 'test',
      }),
    );
    const amounts = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? -100 : 30));
    const results = await Promise.allSettled(
      amounts.map((amount) =>
        db
          .transaction()
          .execute((trx) =>
            postEntry(trx, ctx, { ledger: 'principal', memberId: member.id, amount, kind: 'test' }),
          ),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBeGreaterThan(0);
    // every refusal is the business refusal, never a lock or serialization error
    for (const r of results)
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(DomainError);
        expect(r.reason.code).toBe('ledger.insufficient_balance');
      }
    const posted = amounts.filter((_, i) => results[i]!.status === 'fulfilled');
    const balances = await getBalances(db, ctx, member.id);
    expect(balances.principal).toBe(1000 + posted.reduce((n, a) => n + a, 0));
    expect(balances.principal).toBeGreaterThanOrEqual(0);
    // only debits can be refused
    expect(amounts.filter((a, i) => a > 0 && results[i]!.status === 'rejected')).toEqual([]);
    expect(await sumsMatch(m.merchantId)).toBe(0);
  });
});
