import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  PASSWORD,
  testApp,
} from '../../../test/factories.ts';
import { sha256 } from '../../lib/ids.ts';

describe('staff login', () => {
  it('logs in; after five wrong passwords the login waits (429 + Retry-After), except from the address it last logged in from', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: m.logins.cashier, password: PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().staff.role).toBe('cashier');
    const me = await app.inject({ url: '/api/me', headers: auth(ok.json().token) });
    expect(me.json().merchant.id).toBe(m.merchantId);

    const attempt = (password: string, remoteAddress: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { login: m.logins.cashier, password },
      });
    for (let i = 0; i < 5; i++)
      expect((await attempt('nope-1234', '198.51.100.7')).json().error.code).toBe(
        'auth.invalid_credentials',
      );
    const sixth = await attempt('nope-1234', '198.51.100.7');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error).toMatchObject({
      code: 'auth.locked',
      params: { retry_after_seconds: 15 },
    });
    expect(sixth.headers['retry-after']).toBe('15');
    // the right password from a new address waits too …
    expect((await attempt(PASSWORD, '198.51.100.8')).statusCode).toBe(429);
    // … but not from the till this cashier logs in from (127.0.0.1 in tests)
    const right = await attempt(PASSWORD, '127.0.0.1');
    expect(right.statusCode).toBe(200);
    const notice = await app.inject({ url: '/api/me', headers: auth(right.json().token) });
    expect(notice.json()).toMatchObject({ failed_logins_since_last_login: 5 });
    const row = await db
      .selectFrom('staff')
      .select(['failed_logins', 'login_addresses'])
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', m.staffIds.cashier)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_logins: 0, login_addresses: ['127.0.0.1'] });
  });

  it('answers an unknown login like a wrong password', async () => {
    const { app } = await testApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: 'nobody@nowhere', password: 'whatever1' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('auth.invalid_credentials');
  });

  it('refuses requests without a session, and after logout', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    expect((await app.inject({ url: '/api/members' })).json().error.code).toBe('auth.required');
    expect((await app.inject({ url: '/api/members', headers: auth('forged') })).statusCode).toBe(
      401,
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/logout',
          headers: auth(m.tokens.marketer),
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ url: '/api/members', headers: auth(m.tokens.marketer) })).statusCode,
    ).toBe(401);
  });
});

describe('roles and tenancy', () => {
  it('a cashier may not administer staff; an owner may, and the new account works', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const payload = {
      login: `new-${m.merchantId.slice(-6)}@test`,
      display_name: '新店员',
      password: 'Secret123',
      role: 'cashier',
    };
    const denied = await app.inject({
      method: 'POST',
      url: '/api/staff',
      headers: auth(m.tokens.cashier),
      payload,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('auth.forbidden');
    const created = await app.inject({
      method: 'POST',
      url: '/api/staff',
      headers: auth(m.tokens.owner),
      payload,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).not.toHaveProperty('password_hash');
    const hash = await db
      .selectFrom('staff')
      .select('password_hash')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', created.json().id)
      .executeTakeFirstOrThrow();
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);
    const weak = await app.inject({
      method: 'POST',
      url: '/api/staff',
      headers: auth(m.tokens.owner),
      payload: { ...payload, login: 'weak@test', password: 'abcdefgh' },
    });
    expect(weak.json().error).toMatchObject({ code: 'staff.password_weak', field: 'password' });
    const self = await app.inject({
      method: 'PATCH',
      url: `/api/staff/${m.staffIds.owner}`,
      headers: auth(m.tokens.owner),
      payload: { role: 'cashier' },
    });
    expect(self.json().error.code).toBe('staff.cannot_demote_self');
  });

  it('never shows another merchant’s rows: 404, not 403', async () => {
    const { app, db } = await testApp();
    const a = await createTestMerchant(db);
    const b = await createTestMerchant(db);
    const member = await createMember(db, b.ctx());
    for (const url of [
      `/api/members/${member.id}`,
      `/api/members/${member.id}/ledger`,
      `/api/members/${member.id}/audit`,
    ]) {
      expect((await app.inject({ url, headers: auth(a.tokens.owner) })).statusCode, url).toBe(404);
    }
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/members/${member.id}`,
      headers: auth(a.tokens.owner),
      payload: { name: 'x' },
    });
    expect(patch.statusCode).toBe(404);
    const list = await app.inject({ url: '/api/members', headers: auth(a.tokens.owner) });
    expect(list.json().items).toEqual([]);
  });

  it('stores: owners create them, codes are unique per merchant', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const post = (token: string) =>
      app.inject({
        method: 'POST',
        url: '/api/stores',
        headers: auth(token),
        payload: { code: 'SH01', name: '南京西路店' },
      });
    expect((await post(m.tokens.manager)).statusCode).toBe(403);
    expect((await post(m.tokens.owner)).statusCode).toBe(201);
    const again = await post(m.tokens.owner);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'store.code_taken', field: 'code' });
  });
});

describe('API keys', () => {
  it('is shown once, stored hashed, scoped, and refused once revoked', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const created = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: auth(m.tokens.owner),
      payload: { name: 'POS', scopes: ['members.read', 'members.write'] },
    });
    expect(created.statusCode).toBe(201);
    const { key, api_key } = created.json();
    expect(key).toMatch(/^rk_/);
    const stored = await db
      .selectFrom('api_key')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', api_key.id)
      .executeTakeFirstOrThrow();
    // a random 24-byte secret: its SHA-256 is enough, an argon2 run per request is not needed
    expect(stored.secret_hash).toBe(sha256(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(
      (await app.inject({ url: '/api/api-keys', headers: auth(m.tokens.owner) })).body,
    ).not.toContain(key);

    const register = await app.inject({
      method: 'POST',
      url: '/api/members',
      headers: { 'x-api-key': key },
      payload: { phone: '13800001111' },
    });
    expect(register.statusCode).toBe(201);
    expect(register.json().phone).toBe('138****1111'); // no members.pii scope
    const listed = await app.inject({ url: '/api/api-keys', headers: auth(m.tokens.owner) });
    const used = listed.json().find((k: { id: string }) => k.id === api_key.id);
    expect(Date.parse(used.last_used_at)).toBeGreaterThan(Date.now() - 60_000);
    const merge = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers: { ...auth(key), 'idempotency-key': 'x' },
      payload: { survivor_id: register.json().id, merged_id: register.json().id },
    });
    expect(merge.json().error.code).toBe('auth.scope_missing');
    const cashierCreate = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: auth(m.tokens.cashier),
      payload: { name: 'x', scopes: ['members.read'] },
    });
    expect(cashierCreate.statusCode).toBe(403);
    const adminScope = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: auth(m.tokens.owner),
      payload: { name: 'x', scopes: ['staff.admin'] },
    });
    expect(adminScope.statusCode).toBe(400);

    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/api-keys/${api_key.id}/revoke`,
          headers: auth(m.tokens.owner),
        })
      ).statusCode,
    ).toBe(200);
    const after = await app.inject({ url: '/api/members', headers: auth(key) });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('auth.api_key_invalid');
    expect(
      (await app.inject({ url: '/api/members', headers: auth('rk_missing_key') })).statusCode,
    ).toBe(401);
  });
});

describe('platform', () => {
  it('reports health and serves the OpenAPI document with every API route', async () => {
    const { app } = await testApp();
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok', database: 'ok' });
    const doc = (await app.inject({ url: '/docs/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/members',
      '/api/members/merge',
      '/api/members/lookup',
      '/api/auth/login',
      '/api/api-keys',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const unknown = await app.inject({ url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('merchant settings', () => {
  it('owners change them (audited); a bad time zone is refused; the new setting applies at once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const foreign = { phone: '+44 20 7946 0958' };
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/members',
          headers: auth(m.tokens.owner),
          payload: foreign,
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/api/merchant',
          headers: auth(m.tokens.manager),
          payload: { allow_foreign_phone: true },
        })
      ).statusCode,
    ).toBe(403);
    const bad = await app.inject({
      method: 'PATCH',
      url: '/api/merchant',
      headers: auth(m.tokens.owner),
      payload: { time_zone: 'Mars/Olympus' },
    });
    expect(bad.json().error).toMatchObject({
      code: 'merchant.time_zone_invalid',
      field: 'time_zone',
    });
    const ok = await app.inject({
      method: 'PATCH',
      url: '/api/merchant',
      headers: auth(m.tokens.owner),
      payload: { allow_foreign_phone: true },
    });
    expect(ok.json().allow_foreign_phone).toBe(true);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/members',
          headers: auth(m.tokens.owner),
          payload: foreign,
        })
      ).statusCode,
    ).toBe(201);
    const audit = await db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'merchant.update')
      .execute();
    expect(audit).toEqual([
      { before: { allow_foreign_phone: false }, after: { allow_foreign_phone: true } },
    ]);
  });
});
