import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { createTag } from '../tags/tag.service.ts';
import { dueNightlyMerchants, runNightlyMarketing } from './rfm-schedule.service.ts';
import { patchRfmSetting } from './rfm-setting.service.ts';

describe('nightly RFM and rule tags', () => {
  it('runs each merchant once a night, at its recompute time in its own zone', async () => {
    const { db } = await testDb();
    const shanghai = await createTestMerchant(db);
    const london = await createTestMerchant(db, { timeZone: 'Europe/London' });
    await db
      .transaction()
      .execute((trx) => patchRfmSetting(trx, london.ctx(), { recompute_at: '02:30' }));
    const member = await createMember(db, shanghai.ctx());
    const tag = await db.transaction().execute((trx) =>
      createTag(trx, shanghai.ctx(), {
        kind: 'rule',
        name: '所有人',
        rule: { field: 'gender', in: ['male', 'female', 'unknown'] },
      }),
    );
    // 2030-01-10 19:00 UTC = 03:00 on the 11th in Shanghai (before 04:00), 19:00 in London
    const evening = new Date('2030-01-10T19:00:00Z');
    const due = await dueNightlyMerchants(db, evening);
    expect(due).toContain(london.merchantId);
    expect(due).not.toContain(shanghai.merchantId);
    // 20:00 UTC = 04:00 in Shanghai
    const four = new Date('2030-01-10T20:00:00Z');
    expect(await dueNightlyMerchants(db, four)).toContain(shanghai.merchantId);

    const errors: unknown[] = [];
    await runNightlyMarketing(db, four, (_, e) => errors.push(e));
    expect(errors).toEqual([]);
    const rfm = await db
      .selectFrom('member_rfm')
      .select(['member_id', 'lifecycle'])
      .where('merchant_id', '=', shanghai.merchantId)
      .execute();
    expect(rfm).toEqual([{ member_id: member.id, lifecycle: 'churned' }]);
    const held = await db
      .selectFrom('member_tag')
      .select('member_id')
      .where('merchant_id', '=', shanghai.merchantId)
      .where('tag_id', '=', tag.id)
      .execute();
    expect(held).toEqual([{ member_id: member.id }]);
    // done for the night: a later sweep the same night finds neither; the next night both
    const later = await dueNightlyMerchants(db, new Date('2030-01-10T21:00:00Z'));
    expect(later).not.toContain(shanghai.merchantId);
    expect(later).not.toContain(london.merchantId);
    const next = await dueNightlyMerchants(db, new Date('2030-01-11T20:15:00Z'));
    expect(next).toEqual(expect.arrayContaining([shanghai.merchantId, london.merchantId]));
  });
});
