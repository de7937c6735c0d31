import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { createGuideTasks } from './guide-task-create.service.ts';

describe('createGuideTasks', () => {
  it('gives each task to the named staff or the member’s guide, skips and counts the rest', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx('manager');
    const guided = await createMember(db, ctx);
    const unguided = await createMember(db, ctx);
    const other = await createTestMerchant(db);
    const foreign = await createMember(db, other.ctx());
    await db
      .updateTable('member')
      .set({ guide_staff_id: m.staffIds.cashier })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', guided.id)
      .execute();
    const dueAt = new Date('2026-12-10T02:00:00Z');
    const base = { kind: 'call', title: '回访', dueAt } as const;
    const result = await db.transaction().execute((trx) =>
      createGuideTasks(trx, ctx, [
        { ...base, memberId: guided.id, script: '您好' },
        { ...base, memberId: unguided.id },
        { ...base, memberId: unguided.id, staffId: m.staffIds.manager },
        { ...base, memberId: foreign.id },
        { ...base, memberId: guided.id, staffId: other.staffIds.owner },
      ]),
    );
    expect(result).toEqual({ created: 2, skipped: 3 });
    const rows = await db
      .selectFrom('guide_task')
      .select(['member_id', 'staff_id', 'status', 'script', 'due_at', 'kind'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('staff_id')
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        {
          member_id: guided.id,
          staff_id: m.staffIds.cashier,
          status: 'open',
          script: '您好',
          due_at: dueAt,
          kind: 'call',
        },
        {
          member_id: unguided.id,
          staff_id: m.staffIds.manager,
          status: 'open',
          script: null,
          due_at: dueAt,
          kind: 'call',
        },
      ]),
    );
    expect(await db.transaction().execute((trx) => createGuideTasks(trx, ctx, []))).toEqual({
      created: 0,
      skipped: 0,
    });
  });

  it('writes thousands of tasks in one statement', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const member = await createMember(db, ctx);
    const tasks = Array.from({ length: 3000 }, (_, i) => ({
      memberId: member.id,
      staffId: m.staffIds.cashier,
      kind: 'message' as const,
      title: `t${i}`,
      dueAt: ctx.now,
    }));
    const result = await db.transaction().execute((trx) => createGuideTasks(trx, ctx, tasks));
    expect(result).toEqual({ created: 3000, skipped: 0 });
  });
});
