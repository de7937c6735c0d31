import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auth,
  createTestMerchant,
  postWithKey,
  testApp,
  uniquePhone,
} from '../../../test/factories.ts';
import { get, referralOnClaim, signIn, templateBody } from '../../../test/member-app-support.ts';
import type { Db } from '../../db/database.ts';

const bindingOf = (db: Db, merchantId: string, memberId: string) =>
  db
    .selectFrom('referral_binding')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();

async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const setting = await app.inject({
    method: 'PATCH',
    url: '/api/referral/settings',
    headers: auth(m.tokens.owner),
    payload: referralOnClaim,
  });
  expect(setting.statusCode, setting.body).toBe(200);
  const tpl = await postWithKey(app, m.tokens.marketer, '/api/coupon-templates', templateBody);
  expect(tpl.statusCode, tpl.body).toBe(201);
  const templateId = tpl.json().id as string;
  // the sharer becomes a member by a claim, then reads their share code
  const sharer = await signIn(app, db, m.merchantId);
  const claim = await postWithKey(
    app,
    sharer.token,
    `/api/member/coupon-templates/${templateId}/claim`,
    {},
  );
  expect(claim.statusCode, claim.body).toBe(201);
  const sharerId = (await get(app, sharer.token, '/api/member/me')).json().member_id as string;
  const share = await get(app, sharer.token, '/api/member/share');
  return { app, db, m, templateId, sharer, sharerId, code: share.json().code as string };
}

describe('member page share link', () => {
  it('binds a visitor who signs in through ?r= and becomes a member by a claim', async () => {
    const w = await world();
    const visitor = await signIn(w.app, w.db, w.m.merchantId, uniquePhone(), w.code);
    expect(visitor.member_id).toBeNull();
    const claim = await postWithKey(
      w.app,
      visitor.token,
      `/api/member/coupon-templates/${w.templateId}/claim?share_code=${w.code}`,
      {},
    );
    expect(claim.statusCode, claim.body).toBe(201);
    const me = await get(w.app, visitor.token, '/api/member/me');
    const binding = await bindingOf(w.db, w.m.merchantId, me.json().member_id);
    expect(binding).toMatchObject({ referrer_id: w.sharerId, status: 'bound', bound_via: 'claim' });
    const share = await get(w.app, w.sharer.token, '/api/member/share');
    expect(share.json()).toMatchObject({ invited: 1, bound: 1 });
  });

  it("refuses the sharer's own link: no binding", async () => {
    const w = await world();
    const claim = await postWithKey(
      w.app,
      w.sharer.token,
      `/api/member/coupon-templates/${w.templateId}/claim?share_code=${w.code}`,
      {},
    );
    expect(claim.statusCode, claim.body).toBe(201);
    expect(await bindingOf(w.db, w.m.merchantId, w.sharerId)).toBeUndefined();
  });

  it('leaves an old customer (outside the binding window) unbound', async () => {
    const w = await world();
    const old = await signIn(w.app, w.db, w.m.merchantId);
    const first = await postWithKey(
      w.app,
      old.token,
      `/api/member/coupon-templates/${w.templateId}/claim`,
      {},
    );
    expect(first.statusCode, first.body).toBe(201);
    const oldId = (await get(w.app, old.token, '/api/member/me')).json().member_id as string;
    await w.db
      .updateTable('member')
      .set({ registered_at: new Date(Date.now() - 30 * 86_400_000) })
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', '=', oldId)
      .execute();
    const again = await postWithKey(
      w.app,
      old.token,
      `/api/member/coupon-templates/${w.templateId}/claim?share_code=${w.code}`,
      {},
    );
    expect(again.statusCode, again.body).toBe(201);
    expect(await bindingOf(w.db, w.m.merchantId, oldId)).toBeUndefined();
  });
});

describe('member page campaign open', () => {
  it("feeds campaign_open once, on the first open of a campaign's message", async () => {
    const w = await world();
    const now = new Date();
    const tagId = randomUUID();
    await w.db
      .insertInto('tag')
      .values({
        merchant_id: w.m.merchantId,
        id: tagId,
        group_id: null,
        name: '打开活动',
        kind: 'interaction',
        rule: null,
        interaction: 'campaign_open',
        refreshed_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const messageId = randomUUID();
    await w.db
      .insertInto('member_message')
      .values({
        merchant_id: w.m.merchantId,
        id: messageId,
        member_id: w.sharerId,
        purpose: 'marketing',
        title: '周末活动',
        body: '满100减20',
        ref_type: 'campaign',
        ref_id: randomUUID(),
        read_at: null,
        created_at: now,
      })
      .execute();
    for (let i = 0; i < 2; i++) {
      const read = await w.app.inject({
        method: 'POST',
        url: `/api/member/messages/${messageId}/read`,
        headers: auth(w.sharer.token),
      });
      expect(read.statusCode, read.body).toBe(204);
    }
    const tagged = await w.db
      .selectFrom('member_tag')
      .selectAll()
      .where('merchant_id', '=', w.m.merchantId)
      .where('tag_id', '=', tagId)
      .execute();
    expect(tagged.map((t) => t.member_id)).toEqual([w.sharerId]);
  });
});

describe('member page campaign click', () => {
  it('feeds campaign_click once per member and campaign, on the first tap of its call to action', async () => {
    const w = await world();
    const now = new Date();
    const tagId = randomUUID();
    await w.db
      .insertInto('tag')
      .values({
        merchant_id: w.m.merchantId,
        id: tagId,
        group_id: null,
        name: '点击活动',
        kind: 'interaction',
        rule: null,
        interaction: 'campaign_click',
        refreshed_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const campaignId = randomUUID();
    const message = (ref_type: string | null, ref_id: string | null) => ({
      merchant_id: w.m.merchantId,
      id: randomUUID(),
      member_id: w.sharerId,
      purpose: 'marketing' as const,
      title: '周末活动',
      body: '满100减20',
      ref_type,
      ref_id,
      read_at: null,
      created_at: now,
    });
    // two messages of one campaign (a resend), and a message that is no campaign's
    const first = message('campaign', campaignId);
    const second = message('campaign', campaignId);
    const plain = message(null, null);
    await w.db.insertInto('member_message').values([first, second, plain]).execute();
    const click = (id: string, token = w.sharer.token) =>
      w.app.inject({
        method: 'POST',
        url: `/api/member/messages/${id}/click`,
        headers: auth(token),
      });
    const tagged = () =>
      w.db
        .selectFrom('member_tag')
        .select('member_id')
        .where('merchant_id', '=', w.m.merchantId)
        .where('tag_id', '=', tagId)
        .execute();

    expect((await click(plain.id)).statusCode).toBe(204);
    expect(await tagged()).toEqual([]);
    const tapped = await click(first.id);
    expect(tapped.statusCode, tapped.body).toBe(204);
    expect(await tagged()).toEqual([{ member_id: w.sharerId }]);
    const inbox = await get(w.app, w.sharer.token, '/api/member/messages');
    const shown = inbox.json().items.find((m: { id: string }) => m.id === first.id);
    expect(shown).toMatchObject({ ref_type: 'campaign' });
    expect(shown.read_at).not.toBeNull();
    expect(shown.clicked_at).not.toBeNull();

    // removed by hand, the tag is not given again by another tap on the same campaign
    await w.db
      .deleteFrom('member_tag')
      .where('merchant_id', '=', w.m.merchantId)
      .where('tag_id', '=', tagId)
      .execute();
    for (const id of [first.id, second.id]) expect((await click(id)).statusCode).toBe(204);
    expect(await tagged()).toEqual([]);
    const rows = await w.db
      .selectFrom('member_message')
      .select(['id', 'clicked_at'])
      .where('merchant_id', '=', w.m.merchantId)
      .where('id', 'in', [first.id, second.id])
      .execute();
    expect(rows.find((r) => r.id === second.id)?.clicked_at).toBeNull();

    // another member's message is absent
    const other = await signIn(w.app, w.db, w.m.merchantId);
    const joined = await postWithKey(
      w.app,
      other.token,
      `/api/member/coupon-templates/${w.templateId}/claim`,
      {},
    );
    expect(joined.statusCode, joined.body).toBe(201);
    const foreign = await click(first.id, other.token);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('message.not_found');
  });
});
