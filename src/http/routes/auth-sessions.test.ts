import { afterEach, describe, expect, it, vi } from 'vitest';
import { testDb } from '../../../test/db.ts';
import {
  auth,
  createTestMerchant,
  PASSWORD,
  testApp,
  testConfig,
} from '../../../test/factories.ts';
import { STAFF_TOKEN_PREFIX, tokenHash } from '../../core/tenancy/session.service.ts';
import { randomToken, sha256 } from '../../lib/ids.ts';
import { type App, buildApp } from '../app.ts';
import { SESSION_CACHE_MS } from '../plugins/auth.ts';

const MIN = 60_000;

function travel(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

afterEach(() => {
  vi.useRealTimers();
});

const me = (app: App, token: string) => app.inject({ url: '/api/me', headers: auth(token) });

describe('sessions', () => {
  it('end after SESSION_IDLE_MINUTES unused; use slides the deadline with at most one write a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const token = m.tokens.cashier;
    const lastSeen = async () =>
      (
        await db
          .selectFrom('staff_session')
          .select('last_seen_at')
          .where('token_hash', '=', sha256(token))
          .executeTakeFirstOrThrow()
      ).last_seen_at.getTime();
    expect((await me(app, token)).statusCode).toBe(200);
    const opened = await lastSeen();
    travel(20_000);
    expect((await me(app, token)).statusCode).toBe(200);
    expect(await lastSeen()).toBe(opened); // within the minute: no write
    // idle limit is 60 minutes in tests: used every 50 minutes it lives on
    for (let i = 0; i < 3; i++) {
      travel(50 * MIN);
      expect((await me(app, token)).statusCode).toBe(200);
    }
    expect(await lastSeen()).toBeGreaterThan(opened + 149 * MIN);
    travel(61 * MIN);
    const idle = await me(app, token);
    expect(idle.statusCode).toBe(401);
    expect(idle.json().error.code).toBe('auth.required');
    // another session of the same staff member is not affected by this one's end
    const fresh = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: m.logins.cashier, password: PASSWORD },
    });
    expect((await me(app, fresh.json().token)).statusCode).toBe(200);
  });

  it('a staff token is told apart by its prefix, whatever its random part starts with', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    expect(m.tokens.cashier.startsWith(STAFF_TOKEN_PREFIX)).toBe(true);
    const now = new Date();
    const lookalikes = ['ms_', 'rk_'].map(
      (start) => `${STAFF_TOKEN_PREFIX}${start}${randomToken()}`,
    );
    for (const token of lookalikes)
      await db
        .insertInto('staff_session')
        .values({
          token_hash: tokenHash(token),
          merchant_id: m.merchantId,
          staff_id: m.staffIds.cashier,
          expires_at: new Date(now.getTime() + 3_600_000),
          last_seen_at: now,
          failed_logins_before: 0,
          last_failed_login_at: null,
          created_at: now,
        })
        .execute();
    for (const token of lookalikes) expect((await me(app, token)).statusCode).toBe(200);
    const bare = m.tokens.cashier.slice(STAFF_TOKEN_PREFIX.length);
    expect((await me(app, bare)).statusCode).toBe(401);
  });

  it('a password change ends every session of that staff member and lifts their login delay', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const second = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: m.logins.manager, password: PASSWORD },
    });
    const tokens = [m.tokens.manager, second.json().token as string];
    for (const t of tokens) expect((await me(app, t)).statusCode).toBe(200);
    for (let i = 0; i < 6; i++)
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '203.0.113.90',
        payload: { login: m.logins.manager, password: 'Wrong-pass-1' },
      });
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/staff/${m.staffIds.manager}`,
      headers: auth(m.tokens.owner),
      payload: { password: 'N3w-password' },
    });
    expect(changed.statusCode).toBe(200);
    for (const t of tokens) expect((await me(app, t)).statusCode).toBe(401);
    const rows = await db
      .selectFrom('staff_session')
      .select('token_hash')
      .where('merchant_id', '=', m.merchantId)
      .where('staff_id', '=', m.staffIds.manager)
      .execute();
    expect(rows).toEqual([]);
    expect((await me(app, m.tokens.owner)).statusCode).toBe(200);
    const relogin = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '203.0.113.91',
      payload: { login: m.logins.manager, password: 'N3w-password' },
    });
    expect(relogin.statusCode).toBe(200);
  });
});

describe('two app instances on one database', () => {
  it(`a deactivated staff member is refused by both: at once by the one that deactivated, by the other within ${SESSION_CACHE_MS / 1000} s`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { db } = await testDb();
    const a = await buildApp({ db, config: testConfig() });
    const b = await buildApp({ db, config: testConfig() });
    const m = await createTestMerchant(db);
    const token = m.tokens.cashier;
    // both instances have the session in their cache
    expect((await me(a, token)).statusCode).toBe(200);
    expect((await me(b, token)).statusCode).toBe(200);
    const off = await a.inject({
      method: 'PATCH',
      url: `/api/staff/${m.staffIds.cashier}`,
      headers: auth(m.tokens.owner),
      payload: { active: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await me(a, token)).statusCode).toBe(401);
    travel(SESSION_CACHE_MS);
    expect((await me(b, token)).statusCode).toBe(401);
    expect((await me(a, token)).statusCode).toBe(401);
    // and neither lets the account log in again
    for (const app of [a, b]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: m.logins.cashier, password: PASSWORD },
      });
      expect(res.statusCode).toBe(401);
    }
    await a.close();
    await b.close();
  });
});
