import { afterEach, describe, expect, it, vi } from 'vitest';
import { testDb } from '../../../test/db.ts';
import {
  auth,
  createTestMerchant,
  PASSWORD,
  testApp,
  testConfig,
} from '../../../test/factories.ts';
import type { App } from '../app.ts';
import { buildApp } from '../app.ts';

const MIN = 60_000;
const WRONG = 'Wrong-pass-1';
// the address the factories log every staff member in from: their "usual till"
const TILL = '127.0.0.1';

const attempt = (
  app: App,
  login: string,
  password: string,
  remoteAddress: string,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers,
    payload: { login, password },
  });

/** Moves the clock the server reads (only Date is faked: timers and the database run on). */
function travel(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('login throttling', () => {
  it('a stranger guessing every 15 minutes slows the account down but never shuts its owner out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const stranger = '203.0.113.10';
    for (let i = 0; i < 5; i++)
      expect((await attempt(app, m.logins.owner, WRONG, stranger)).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      travel(15 * MIN);
      const res = await attempt(app, m.logins.owner, WRONG, stranger);
      expect([401, 429]).toContain(res.statusCode);
      const next = await attempt(app, m.logins.owner, WRONG, '203.0.113.11');
      expect(next.statusCode).toBe(429);
      waits.push(Number(next.headers['retry-after']));
    }
    // a growing delay, capped at a quarter of an hour
    expect(waits[0]).toBeLessThan(waits[waits.length - 1]!);
    expect(Math.max(...waits)).toBeLessThanOrEqual(15 * 60);
    // from a new address the owner waits the delay out, and gets in
    const elsewhere = await attempt(app, m.logins.owner, PASSWORD, '198.51.100.20');
    expect(elsewhere.statusCode).toBe(429);
    travel(Number(elsewhere.headers['retry-after']) * 1000);
    expect((await attempt(app, m.logins.owner, PASSWORD, '198.51.100.20')).statusCode).toBe(200);
    // and at the usual till there is no wait at all, even right after a guess
    travel(15 * MIN);
    expect((await attempt(app, m.logins.owner, WRONG, stranger)).statusCode).toBe(401);
    expect((await attempt(app, m.logins.owner, PASSWORD, TILL)).statusCode).toBe(200);
  });

  it('forgets a streak once its delay has passed and 15 quiet minutes followed (the old lock came back on the next wrong try)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const where = '203.0.113.20';
    for (let i = 0; i < 5; i++) await attempt(app, m.logins.manager, WRONG, where);
    expect((await attempt(app, m.logins.manager, PASSWORD, where)).statusCode).toBe(429);
    travel(16 * MIN);
    const again = await attempt(app, m.logins.manager, WRONG, where);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('auth.invalid_credentials');
    expect((await attempt(app, m.logins.manager, PASSWORD, where)).statusCode).toBe(200);
  });

  it('resets the login’s streak on success', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const where = '203.0.113.30';
    for (let i = 0; i < 4; i++)
      expect((await attempt(app, m.logins.cashier, WRONG, where)).statusCode).toBe(401);
    expect((await attempt(app, m.logins.cashier, PASSWORD, where)).statusCode).toBe(200);
    const row = await db
      .selectFrom('login_throttle')
      .selectAll()
      .where('key', '=', `login:${m.logins.cashier}`)
      .executeTakeFirst();
    expect(row).toBeUndefined();
    for (let i = 0; i < 4; i++)
      expect((await attempt(app, m.logins.cashier, WRONG, where)).statusCode).toBe(401);
    expect((await attempt(app, m.logins.cashier, PASSWORD, where)).statusCode).toBe(200);
  });

  it('serialises parallel guesses on one login: no more are checked than the free tries', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        attempt(app, m.logins.marketer, WRONG, `192.0.2.${i + 1}`),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    for (const r of results.filter((r) => r.statusCode === 429))
      expect(r.json().error.code).toBe('auth.locked');
    const staff = await db
      .selectFrom('staff')
      .select('failed_logins')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', m.staffIds.marketer)
      .executeTakeFirstOrThrow();
    expect(staff.failed_logins).toBe(checked);
  });

  it('throttles a login name that does not exist exactly like one that does', async () => {
    const { app } = await testApp();
    const ghost = `ghost-${Date.now()}@test`;
    for (let i = 0; i < 5; i++)
      expect((await attempt(app, ghost, WRONG, '203.0.113.40')).statusCode).toBe(401);
    const sixth = await attempt(app, ghost, WRONG, '203.0.113.41');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['retry-after']).toBe('15');
  });

  it('tells the staff member at the next login how often their password was tried', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    for (let i = 0; i < 3; i++) await attempt(app, m.logins.owner, WRONG, '203.0.113.50');
    const ok = await attempt(app, m.logins.owner, PASSWORD, TILL);
    const me = await app.inject({ url: '/api/me', headers: auth(ok.json().token) });
    expect(me.json().failed_logins_since_last_login).toBe(3);
    expect(Date.parse(me.json().last_failed_login_at)).toBeGreaterThan(Date.now() - MIN);
    const next = await attempt(app, m.logins.owner, PASSWORD, TILL);
    const quiet = await app.inject({ url: '/api/me', headers: auth(next.json().token) });
    expect(quiet.json()).toMatchObject({
      failed_logins_since_last_login: 0,
      last_failed_login_at: null,
    });
  });
});

describe('client addresses', () => {
  it('ignores X-Forwarded-For from anyone but a configured proxy (rotating it walked past every limit)', async () => {
    const { app } = await testApp();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await attempt(app, `nobody-${i}-${Date.now()}@test`, WRONG, '192.0.2.200', {
        'x-forwarded-for': `10.9.${i}.${i + 1}`,
      });
      statuses.push(res.statusCode);
    }
    // 20 free failures per address, then a delay: the forged header changed nothing
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });

  it('counts an IPv6 client by its /64: stepping through its own network buys no fresh tries', async () => {
    const { app } = await testApp();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await attempt(app, `v6-${i}-${Date.now()}@test`, WRONG, `2001:db8:7:7::${i + 1}`);
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('believes X-Forwarded-For from a proxy named in TRUST_PROXY', async () => {
    const { db } = await testDb();
    const config = { ...testConfig(), trustProxy: ['127.0.0.1'] };
    const proxied = await buildApp({ db, config });
    const name = `proxied-${Date.now()}@test`;
    const res = await attempt(proxied, name, WRONG, '127.0.0.1', {
      'x-forwarded-for': '203.0.113.77',
    });
    expect(res.statusCode).toBe(401);
    const spoofed = await attempt(proxied, name, WRONG, '192.0.2.201', {
      'x-forwarded-for': '203.0.113.78',
    });
    expect(spoofed.statusCode).toBe(401);
    await proxied.close();
    const keys = await db
      .selectFrom('login_throttle')
      .select('key')
      .where('key', 'in', ['address:203.0.113.77', 'address:203.0.113.78', 'address:192.0.2.201'])
      .orderBy('key')
      .execute();
    expect(keys.map((k) => k.key)).toEqual(['address:192.0.2.201', 'address:203.0.113.77']);
  });
});
