import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/db.ts';
import { createTestMerchant } from '../../test/factories.ts';
import { getMemberRow } from '../core/members/member.service.ts';
import { violation } from './tenant-guard.ts';

const tenant = new Set(['member', 'staff', 'bonus_part']);

describe('tenant guard (every test query from src/ goes through it)', () => {
  it('refuses a tenant table read without merchant_id, and passes one with it', async () => {
    const { db } = await testDb();
    const by = (id: string) => db.selectFrom('member').selectAll().where('id', '=', id);
    expect(violation(by('x').toOperationNode(), tenant)).toMatch(/member without a merchant_id/);
    const scoped = by('x').where('merchant_id', '=', 'm');
    expect(violation(scoped.toOperationNode(), tenant)).toBeUndefined();
    const joined = db
      .selectFrom('member as m')
      .innerJoin('staff as s', (j) => j.onRef('s.merchant_id', '=', 'm.merchant_id'))
      .select('m.id');
    expect(violation(joined.toOperationNode(), tenant)).toBeUndefined();
    const update = db.updateTable('member').set({ name: 'x' }).where('id', '=', 'x');
    expect(violation(update.toOperationNode(), tenant)).toMatch(/UpdateQueryNode on member/);
    const raw = sql`select * from member where id = ${'x'}`;
    expect(violation(raw.toOperationNode(), tenant)).toMatch(/member/);
  });

  it('lets listed cross-merchant queries through by their predicate column', async () => {
    const { db } = await testDb();
    const login = db.selectFrom('staff').selectAll().where('login', '=', 'a');
    expect(violation(login.toOperationNode(), tenant)).toBeUndefined();
    const sweep = db
      .selectFrom('bonus_part')
      .select('merchant_id')
      .where(sql<boolean>`status = 'pending' and available_from <= now()`);
    expect(violation(sweep.toOperationNode(), tenant)).toBeUndefined();
  });

  it('checks application code, not a test reading its rows back', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    // getMemberRow scopes by merchant: passes through the guard
    await expect(
      getMemberRow(db, m.ctx(), '00000000-0000-0000-0000-000000000000'),
    ).rejects.toMatchObject({
      code: 'member.not_found',
    });
    // a test's own read-back is not application code and is not checked
    await expect(
      db.selectFrom('member').select('id').where('id', '=', m.merchantId).execute(),
    ).resolves.toEqual([]);
  });
});
