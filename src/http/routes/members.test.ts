import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  testApp,
  testConfig,
} from '../../../test/factories.ts';
import { postEntry } from '../../core/ledger/ledger.service.ts';
import { signMemberCode } from '../../core/members/member-code.ts';
import { grantPoints } from '../../core/points/points.service.ts';

async function setup() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  return { app, db, m };
}

const memberCount = async (db: Awaited<ReturnType<typeof testApp>>['db'], merchantId: string) =>
  Number(
    (
      await db
        .selectFrom('member')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('merchant_id', '=', merchantId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('register member', () => {
  it('stores one normal form of the phone and a card number with the merchant prefix', async () => {
    const { app, db, m } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.cashier),
      payload: { phone: '+86 138 0013 8000', name: '张三', birthday: '1990-02-28' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.card_no).toMatch(/^8801\d{12}$/);
    expect(body.phone).toBe('138****8000'); // cashiers see masked phones
    const row = await db
      .selectFrom('member')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect(row.phone).toBe('+8613800138000');
    expect(row.birthday).toBe('1990-02-28');
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('entity_id', '=', body.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['member.register']);
  });

  it.each([
    [{ phone: '12345' }, 400, 'member.phone_invalid', 'phone'],
    [{ phone: '13800138000', nickname: 'x' }, 400, 'request.invalid', 'nickname'],
    [
      { phone: '13800138000', marketing_consent: 'yes' },
      400,
      'request.invalid',
      'marketing_consent',
    ],
    [
      { phone: '13800138000', identities: [{ kind: 'qq', value: '1' }] },
      400,
      'request.invalid',
      'identities.0.kind',
    ],
    [{ phone: '13800138000', birthday: '2999-01-01' }, 400, 'member.birthday_invalid', 'birthday'],
    [
      { phone: '13800138000', custom: { shoe_size: 42 } },
      400,
      'member.custom_field_invalid',
      'custom.shoe_size',
    ],
    [
      { phone: '13800138000', home_store_id: '0190f1d2-0000-7000-8000-000000000001' },
      404,
      'store.not_found',
      'home_store_id',
    ],
  ])('refuses %j with %i %s on %s and writes nothing', async (payload, status, code, field) => {
    const { app, db, m } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: { ...auth(m.tokens.owner), 'accept-language': 'en' },
      payload,
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code, field });
    expect(res.json().error.message).toMatch(/\w/);
    expect(await memberCount(db, m.merchantId)).toBe(0);
  });

  it('refuses a phone already registered with 409, in Chinese by default', async () => {
    const { app, db, m } = await setup();
    await createMember(db, m.ctx(), { phone: '13900000001' });
    const res = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.owner),
      payload: { phone: '139 0000 0001' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'member.phone_taken',
      field: 'phone',
      message: '该手机号已注册会员',
    });
    expect(await memberCount(db, m.merchantId)).toBe(1);
  });

  it('accepts foreign numbers only where the merchant allows them', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db, { allowForeignPhone: true });
    const res = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.owner),
      payload: { phone: '+1 415 555 0100' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().phone).toBe('+14155550100');
  });

  it('validates typed custom fields', async () => {
    const { app, m } = await setup();
    const field = await app.inject({
      method: 'POST',
      url: '/api/custom-fields',
      headers: auth(m.tokens.owner),
      payload: { key: 'flavour', label: '口味', type: 'option', options: ['甜', '咸'] },
    });
    expect(field.statusCode).toBe(201);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.owner),
      payload: { phone: '13800138001', custom: { flavour: '辣' } },
    });
    expect(bad.json().error).toMatchObject({
      code: 'member.custom_field_invalid',
      field: 'custom.flavour',
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: auth(m.tokens.owner),
      payload: { phone: '13800138001', custom: { flavour: '甜' } },
    });
    expect(ok.json().custom).toEqual({ flavour: '甜' });
  });
});

describe('find members', () => {
  it('looks up by phone, card number, identity and dynamic code; another merchant gets 404', async () => {
    const { app, db, m } = await setup();
    const member = await createMember(db, m.ctx(), {
      phone: '13700000002',
      identities: [{ kind: 'wechat_openid', value: 'oWx123' }],
    });
    const other = await createTestMerchant(db);
    for (const query of [
      'phone=137%200000%200002',
      `card_no=${member.card_no}`,
      'identity_kind=wechat_openid&identity_value=oWx123',
    ]) {
      const res = await app.inject({
        url: `/api/members/lookup?${query}`,
        headers: auth(m.tokens.cashier),
      });
      expect(res.statusCode, query).toBe(200);
      expect(res.json().id).toBe(member.id);
      const foreign = await app.inject({
        url: `/api/members/lookup?${query}`,
        headers: auth(other.tokens.owner),
      });
      expect(foreign.statusCode, query).toBe(404);
    }
    // the till verifies member codes but never mints them (only the member's channel does)
    const minted = await app.inject({
      url: `/api/members/${member.id}/code`,
      headers: auth(m.tokens.cashier),
    });
    expect(minted.statusCode).toBe(403);
    const code = signMemberCode(member.id, m.merchantId, new Date(), testConfig().secret);
    const byCode = await app.inject({
      url: `/api/members/lookup?code=${code.code}`,
      headers: auth(m.tokens.cashier),
    });
    expect(byCode.json().id).toBe(member.id);
    const foreignCode = await app.inject({
      url: `/api/members/lookup?code=${code.code}`,
      headers: auth(other.tokens.owner),
    });
    expect(foreignCode.json().error.code).toBe('member.code_invalid');
    expect(
      (await app.inject({ url: `/api/members/${member.id}`, headers: auth(other.tokens.owner) }))
        .statusCode,
    ).toBe(404);
  });

  it('pages through members newest first with a cursor, and searches by name and phone tail', async () => {
    const { app, db, m } = await setup();
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await createMember(db, m.ctx('owner', new Date(Date.UTC(2026, 0, 1 + i))), {
          phone: `1360000000${i}`,
          name: i === 3 ? '欧阳娜娜' : `会员${i}`,
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { json(): any } = await app.inject({
        url: `/api/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth(m.tokens.owner),
      });
      const page: { items: { id: string }[]; next_cursor: string | null } = res.json();
      seen.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(created.map((c) => c.id).reverse());
    const byName = await app.inject({
      url: `/api/members?q=${encodeURIComponent('欧阳')}`,
      headers: auth(m.tokens.owner),
    });
    expect(byName.json().items.map((x: { id: string }) => x.id)).toEqual([created[3]!.id]);
    const byTail = await app.inject({ url: '/api/members?q=0002', headers: auth(m.tokens.owner) });
    expect(byTail.json().items.map((x: { id: string }) => x.id)).toEqual([created[2]!.id]);
    const badCursor = await app.inject({
      url: '/api/members?cursor=nonsense',
      headers: auth(m.tokens.owner),
    });
    expect(badCursor.json().error).toMatchObject({
      code: 'member.cursor_invalid',
      field: 'cursor',
    });
  });

  it('masks phones for marketers, in lists and exports', async () => {
    const { app, db, m } = await setup();
    await createMember(db, m.ctx(), { phone: '13512345678', name: '李四' });
    const list = await app.inject({ url: '/api/members', headers: auth(m.tokens.marketer) });
    expect(list.json().items[0].phone).toBe('135****5678');
    const owner = await app.inject({ url: '/api/members', headers: auth(m.tokens.owner) });
    expect(owner.json().items[0].phone).toBe('+8613512345678');
    const csv = await app.inject({
      url: '/api/members/export?format=csv',
      headers: auth(m.tokens.marketer),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.charCodeAt(0)).toBe(0xfeff);
    expect(csv.body).toContain('135****5678');
    expect(csv.body).not.toContain('13512345678');
    const xlsx = await app.inject({
      url: '/api/members/export?format=xlsx',
      headers: auth(m.tokens.owner),
    });
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const cashierExport = await app.inject({
      url: '/api/members/export',
      headers: auth(m.tokens.cashier),
    });
    expect(cashierExport.statusCode).toBe(403);
  });
});

describe('merge members (S10)', () => {
  it('moves the points lots with the points, so merged points keep their expiry', async () => {
    const { app, db, m } = await setup();
    const [survivor, merged] = [await createMember(db, m.ctx()), await createMember(db, m.ctx())];
    await db
      .transaction()
      .execute((trx) =>
        grantPoints(trx, m.ctx(), merged.id, { points: 300, reason: 'suggestion' }),
      );
    const res = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers: { ...auth(m.tokens.owner), 'idempotency-key': 'lots' },
      payload: { survivor_id: survivor.id, merged_id: merged.id },
    });
    expect(res.statusCode).toBe(200);
    const lots = await db
      .selectFrom('points_lot')
      .select(['member_id', 'remaining'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(lots).toEqual([{ member_id: survivor.id, remaining: 300 }]);
  });

  it('moves identities and balances to the survivor in one transaction, recorded on both', async () => {
    const { app, db, m } = await setup();
    const ctx = m.ctx();
    const store = await createMember(db, ctx, { phone: '13800000010', name: '王五' });
    const online = await createMember(db, ctx, {
      phone: '13800000011',
      birthday: '1991-05-05',
      identities: [{ kind: 'shop_customer', value: 'TB-77' }],
    });
    await db.transaction().execute(async (trx) => {
      await postEntry(trx, ctx, {
        ledger: 'points',
        memberId: online.id,
        amount: 320,
        kind: 'test',
      });
      await postEntry(trx, ctx, {
        ledger: 'principal',
        memberId: online.id,
        amount: 5000,
        kind: 'test',
      });
      await postEntry(trx, ctx, { ledger: 'points', memberId: store.id, amount: 80, kind: 'test' });
    });
    const headers = { ...auth(m.tokens.manager), 'idempotency-key': 'merge-1' };
    const res = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers,
      payload: { survivor_id: store.id, merged_id: online.id },
    });
    expect(res.statusCode).toBe(200);
    const detail = (
      await app.inject({ url: `/api/members/${store.id}`, headers: auth(m.tokens.manager) })
    ).json();
    expect(detail.balances).toEqual({ points: 400, principal: 5000, bonus: 0 });
    expect(detail.identities.map((i: { value: string }) => i.value)).toEqual(['TB-77']);
    expect(detail.member.birthday).toBe('1991-05-05');
    expect(detail.merges).toHaveLength(1);
    const merged = (
      await app.inject({ url: `/api/members/${online.id}`, headers: auth(m.tokens.manager) })
    ).json();
    expect(merged.member).toMatchObject({ status: 'merged', merged_into_id: store.id });
    expect(merged.balances).toEqual({ points: 0, principal: 0, bonus: 0 });
    expect(merged.merges).toHaveLength(1);
    // the merged phone still finds the person
    const lookup = await app.inject({
      url: '/api/members/lookup?phone=13800000011',
      headers: auth(m.tokens.manager),
    });
    expect(lookup.json().id).toBe(store.id);
    // history: the survivor's statement includes the merged record's entries
    const ledger = (
      await app.inject({
        url: `/api/members/${store.id}/ledger?ledger=points`,
        headers: auth(m.tokens.manager),
      })
    ).json().items;
    expect(ledger.map((e: { kind: string }) => e.kind).sort()).toEqual([
      'merge_in',
      'merge_out',
      'test',
      'test',
    ]);

    // a retry returns the same response and merges nothing twice
    const retry = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers,
      payload: { survivor_id: store.id, merged_id: online.id },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(res.json().id);
    expect(
      await db
        .selectFrom('member_merge')
        .select('id')
        .where('merchant_id', '=', m.merchantId)
        .execute(),
    ).toHaveLength(1);
    const reused = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers,
      payload: { survivor_id: online.id, merged_id: store.id },
    });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('idempotency.key_reused');
  });

  it('refuses a merge without a key, with itself, with a merged member, or across merchants', async () => {
    const { app, db, m } = await setup();
    const a = await createMember(db, m.ctx());
    const b = await createMember(db, m.ctx());
    const other = await createTestMerchant(db);
    const foreign = await createMember(db, other.ctx());
    const post = (payload: object, key: string | null = crypto.randomUUID()) =>
      app.inject({
        method: 'POST',
        url: '/api/members/merge',
        headers: { ...auth(m.tokens.owner), ...(key ? { 'idempotency-key': key } : {}) },
        payload,
      });
    expect((await post({ survivor_id: a.id, merged_id: b.id }, null)).json().error.code).toBe(
      'idempotency.key_required',
    );
    expect((await post({ survivor_id: a.id, merged_id: a.id })).json().error).toMatchObject({
      code: 'member.merge_same',
      field: 'merged_id',
    });
    expect((await post({ survivor_id: a.id, merged_id: foreign.id })).statusCode).toBe(404);
    expect((await post({ survivor_id: a.id, merged_id: b.id })).statusCode).toBe(200);
    expect((await post({ survivor_id: a.id, merged_id: b.id })).json().error.code).toBe(
      'member.not_active',
    );
    const cashier = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers: { ...auth(m.tokens.cashier), 'idempotency-key': 'k' },
      payload: { survivor_id: a.id, merged_id: b.id },
    });
    expect(cashier.statusCode).toBe(403);
  });

  it('two concurrent merges of the same pair: exactly one happens', async () => {
    const { app, db, m } = await setup();
    const a = await createMember(db, m.ctx());
    const b = await createMember(db, m.ctx());
    await db
      .transaction()
      .execute((trx) =>
        postEntry(trx, m.ctx(), { ledger: 'points', memberId: b.id, amount: 100, kind: 'test' }),
      );
    const results = await Promise.all(
      [
        [a, b],
        [b, a],
        [a, b],
      ].map(([s, x], i) =>
        app.inject({
          method: 'POST',
          url: '/api/members/merge',
          headers: { ...auth(m.tokens.owner), 'idempotency-key': `race-${i}` },
          payload: { survivor_id: s!.id, merged_id: x!.id },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const balances = await db
      .selectFrom('ledger_balance')
      .select(['member_id', 'balance'])
      .where('merchant_id', '=', m.merchantId)
      .where('ledger', '=', 'points')
      .execute();
    expect(balances.reduce((sum, row) => sum + row.balance, 0)).toBe(100);
  });
});

describe('erase member', () => {
  it('removes personal data and keeps the ledger anonymous', async () => {
    const { app, db, m } = await setup();
    const member = await createMember(db, m.ctx(), {
      phone: '13800000020',
      name: '赵六',
      identities: [{ kind: 'wechat_openid', value: 'o-erase' }],
    });
    await db.transaction().execute((trx) =>
      postEntry(trx, m.ctx(), {
        ledger: 'points',
        memberId: member.id,
        amount: 50,
        kind: 'test',
      }),
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/members/${member.id}/erase`,
          headers: auth(m.tokens.manager),
        })
      ).statusCode,
    ).toBe(403);
    const res = await app.inject({
      method: 'POST',
      url: `/api/members/${member.id}/erase`,
      headers: auth(m.tokens.owner),
    });
    expect(res.statusCode).toBe(200);
    const row = await db
      .selectFrom('member')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phone: null, name: null, birthday: null, status: 'erased' });
    expect(
      await db
        .selectFrom('member_identity')
        .selectAll()
        .where('merchant_id', '=', m.merchantId)
        .where('member_id', '=', member.id)
        .execute(),
    ).toHaveLength(0);
    expect(
      await db
        .selectFrom('ledger_entry')
        .selectAll()
        .where('merchant_id', '=', m.merchantId)
        .where('member_id', '=', member.id)
        .execute(),
    ).toHaveLength(1);
    const audit = await db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('entity_id', '=', member.id)
      .execute();
    expect(JSON.stringify(audit)).not.toContain('13800000020');
  });
});
