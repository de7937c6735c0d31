import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testApp, uniquePhone } from '../../../test/factories.ts';
import { newId } from '../../lib/ids.ts';

describe('member audit trail', () => {
  it('names the staff member and their store on every entry, for any reader', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const storeId = newId();
    await db
      .insertInto('store')
      .values({
        merchant_id: m.merchantId,
        id: storeId,
        code: 'S1',
        name: '南京西路店',
        address: null,
        created_at: new Date(),
      })
      .execute();
    await db
      .updateTable('staff')
      .set({ store_id: storeId, display_name: '收银员 张敏' })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', m.staffIds.cashier)
      .execute();
    const created = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.cashier),
      payload: { phone: uniquePhone(), name: '李四' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const updated = await app.inject({
      method: 'PATCH',
      url: `/api/members/${id}`,
      headers: auth(m.tokens.manager),
      payload: { name: '李小四' },
    });
    expect(updated.statusCode).toBe(200);

    const res = await app.inject({
      method: 'GET',
      url: `/api/members/${id}/audit`,
      headers: auth(m.tokens.marketer),
    });
    expect(res.statusCode).toBe(200);
    const [update, register] = res.json();
    expect(register).toMatchObject({
      action: 'member.register',
      actor_kind: 'staff',
      actor_id: m.staffIds.cashier,
      actor_name: '收银员 张敏',
      store_id: storeId,
      store_name: '南京西路店',
    });
    expect(update).toMatchObject({
      action: 'member.update',
      actor_name: 'manager',
      store_id: null,
      store_name: null,
      before: { name: '李四' },
      after: { name: '李小四' },
    });
  });
});
