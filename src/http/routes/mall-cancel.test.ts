import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
} from '../../../test/factories.ts';
import { grantPoints } from '../../core/points/points.service.ts';

const post = postWithKey;

async function setup() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const reward = await post(app, m.tokens.manager, '/api/mall/rewards', {
    kind: 'goods',
    name: 'Tote bag',
    points_price: 100,
    stock: null,
  });
  const member = await createMember(db, m.ctx());
  await db
    .transaction()
    .execute((trx) => grantPoints(trx, m.ctx('owner'), member.id, { points: 1000, reason: 't' }));
  const redeem = () =>
    post(app, m.tokens.cashier, `/api/mall/rewards/${reward.json().id}/redeem`, {
      member_id: member.id,
    });
  return { app, db, m, member, redeem };
}

describe('mall redemption after pickup', () => {
  it('a cashier cannot cancel a fulfilled redemption; a refund permission can, audited', async () => {
    const { app, db, m, member, redeem } = await setup();
    const redeemed = (await redeem()).json();
    const pickup = await post(app, m.tokens.cashier, '/api/mall/pickup', {
      pickup_code: redeemed.pickup_code,
    });
    expect(pickup.json().status).toBe('fulfilled');
    const url = `/api/mall/redemptions/${redeemed.id}/cancel`;
    const byCashier = await post(app, m.tokens.cashier, url, { reason: 'give points back' });
    expect(byCashier.statusCode).toBe(403);
    expect(byCashier.json().error).toMatchObject({
      code: 'auth.forbidden',
      params: { permission: 'wallet.refund' },
    });
    const points = () =>
      db
        .selectFrom('ledger_balance')
        .select('balance')
        .where('merchant_id', '=', m.merchantId)
        .where('member_id', '=', member.id)
        .where('ledger', '=', 'points')
        .executeTakeFirstOrThrow();
    expect(await points()).toEqual({ balance: 900 });
    const byManager = await post(app, m.tokens.manager, url, { reason: 'goods returned' });
    expect(byManager.statusCode).toBe(200);
    expect(await points()).toEqual({ balance: 1000 });
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_id', 'before', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'mall.cancel')
      .execute();
    expect(audit).toMatchObject([
      {
        actor_id: m.staffIds.manager,
        before: { status: 'fulfilled' },
        after: { reason: 'goods returned' },
      },
    ]);
    // before pickup the counter still cancels
    const open = (await redeem()).json();
    const cancel = await post(app, m.tokens.cashier, `/api/mall/redemptions/${open.id}/cancel`, {
      reason: 'changed mind',
    });
    expect(cancel.statusCode).toBe(200);
  });
});

describe('keyset pages', () => {
  it('redemptions and a member ledger page with {items, next_cursor}; a bad cursor is 400', async () => {
    const { app, m, member, redeem } = await setup();
    for (let i = 0; i < 5; i++) expect((await redeem()).statusCode).toBe(201);
    const walk = async (base: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { json(): { items: { id: string }[]; next_cursor: string | null } } =
          await app.inject({
            url: `${base}${base.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            headers: auth(m.tokens.cashier),
          });
        const page = res.json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        ids.push(...page.items.map((r) => r.id));
        cursor = page.next_cursor;
      } while (cursor);
      return ids;
    };
    const redemptions = await walk(`/api/mall/redemptions?member_id=${member.id}`);
    expect(redemptions).toHaveLength(5);
    expect(new Set(redemptions).size).toBe(5);
    const entries = await walk(`/api/members/${member.id}/ledger?ledger=points`);
    expect(entries).toHaveLength(6); // the grant and five redemptions
    const all = await app.inject({
      url: `/api/members/${member.id}/ledger?ledger=points`,
      headers: auth(m.tokens.cashier),
    });
    expect(all.json().items.map((e: { id: string }) => e.id)).toEqual(entries);
    for (const cursor of [
      'garbage',
      Buffer.from('["2026-01-01","not-a-uuid"]').toString('base64url'),
    ]) {
      const bad = await app.inject({
        url: `/api/mall/redemptions?cursor=${cursor}`,
        headers: auth(m.tokens.cashier),
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'request.cursor_invalid', field: 'cursor' });
    }
  });
});
