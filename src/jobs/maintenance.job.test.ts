import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { createMember, createTestMerchant } from '../../test/factories.ts';
import { runMaintenance } from './maintenance.job.ts';

describe('daily maintenance', () => {
  it('drops expired sessions, week-old idempotency keys and expired code nonces, nothing else', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const now = new Date();
    await db
      .insertInto('idempotency_key')
      .values([
        {
          merchant_id: m.merchantId,
          key: 'old',
          request_hash: 'h',
          status_code: 200,
          response: '{}',
          created_at: new Date(now.getTime() - 8 * 86_400_000),
        },
        {
          merchant_id: m.merchantId,
          key: 'new',
          request_hash: 'h',
          status_code: 200,
          response: '{}',
          created_at: now,
        },
      ])
      .execute();
    await db
      .updateTable('staff_session')
      .set({ expires_at: new Date(now.getTime() - 1000) })
      .where('staff_id', '=', m.staffIds.cashier)
      .execute();
    const member = await createMember(db, m.ctx());
    const day = 86_400_000;
    await db
      .insertInto('member_code_use')
      .values(
        [
          ['stale', now.getTime() - day - 60_000],
          ['recent', now.getTime() - 60_000],
        ].map(([nonce, at]) => ({
          merchant_id: m.merchantId,
          nonce: String(nonce),
          member_id: member.id,
          expires_at: new Date(Number(at)),
          used_at: new Date(Number(at) - 30_000),
        })),
      )
      .execute();
    expect(await runMaintenance(db, now)).toMatchObject({ keys: 1, codes: 1 });
    const nonces = await db
      .selectFrom('member_code_use')
      .select('nonce')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(nonces.map((n) => n.nonce)).toEqual(['recent']);
    const keys = await db
      .selectFrom('idempotency_key')
      .select('key')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['new']);
    const sessions = await db
      .selectFrom('staff_session')
      .select('staff_id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(sessions.map((s) => s.staff_id).sort()).toEqual(
      [m.staffIds.owner, m.staffIds.manager, m.staffIds.marketer].sort(),
    );
  });
});
