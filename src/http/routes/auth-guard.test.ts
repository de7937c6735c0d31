import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import {
  auth,
  createTestMerchant,
  PASSWORD,
  testApp,
  testConfig,
  uniquePhone,
} from '../../../test/factories.ts';
import { newId, randomToken, sha256 } from '../../lib/ids.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { buildApp } from '../app.ts';
import { registerAuth } from '../plugins/auth.ts';

function multipartCsv(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----auth${randomToken(6)}`;
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\n` +
    `Content-Type: text/csv\r\n\r\n手机号,姓名\r\n13800001111,张三\r\n\r\n--${boundary}--\r\n`;
  return {
    payload: Buffer.from(body),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('authentication is decided on the matched route, not the raw URL', () => {
  it('percent-encoded /api paths need a token like plain ones (they reached handlers with none: 500)', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    for (const url of ['/%61pi/me', '/ap%69/members', '/%61%70%69/members?q=138', '/api/%6De']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code, url).toBe('auth.required');
    }
    // with a token the same route answers, and its permission is checked
    const me = await app.inject({ url: '/%61pi/me', headers: auth(m.tokens.cashier) });
    expect(me.statusCode).toBe(200);
    expect(me.json().actor.role).toBe('cashier');
    const staff = await app.inject({ url: '/%61pi/staff', headers: auth(m.tokens.cashier) });
    expect(staff.statusCode).toBe(403);
    expect(staff.json().error.code).toBe('auth.forbidden');
    // unmatched stays a 404
    expect((await app.inject({ url: '/api/nothing-here' })).statusCode).toBe(404);
  });

  it('an upload to an encoded /api/imports is refused before its body is read: nothing stored', async () => {
    const { db } = await testDb();
    const dataDir = join('.tmp', `auth-guard-${randomToken(6)}`);
    const app = await buildApp({ db, config: { ...testConfig(), dataDir } });
    const jobs = async () =>
      (
        await db
          .selectFrom('import_job')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('merchant_id', 'is not', null) // every merchant's: the caller has none
          .executeTakeFirstOrThrow()
      ).n;
    const before = await jobs();
    for (const url of ['/%61pi/imports', '/ap%69/imports', '/api/imports']) {
      const res = await app.inject({ method: 'POST', url, ...multipartCsv() });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('auth.required');
    }
    const bogus = await app.inject({
      method: 'POST',
      url: '/%61pi/imports',
      ...multipartCsv(),
      headers: { ...multipartCsv().headers, ...auth('forged-token') },
    });
    expect(bogus.statusCode).toBe(401);
    expect(await jobs()).toBe(before);
    const uploads = join(dataDir, 'uploads');
    expect(existsSync(uploads) ? readdirSync(uploads) : []).toEqual([]);
    await app.close();
  });

  it('refuses to start with a route that declares neither a permission nor public: true', async () => {
    const app = Fastify();
    registerAuth(app);
    expect(() => app.get('/health2', async () => 'ok')).toThrow(/neither a permission nor public/);
    expect(() => app.get('/x', { config: { public: true } }, async () => 'ok')).not.toThrow();
    await app.close();
  });
});

describe('logout', () => {
  it('reads the token the way the auth hook does (X-Api-Key and padded Bearer sessions were left open)', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const open = async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: m.logins.marketer, password: PASSWORD },
      });
      return res.json().token as string;
    };
    const viaHeader = await open();
    const viaPadded = await open();
    for (const headers of [
      { 'x-api-key': viaHeader },
      { authorization: `Bearer  ${viaPadded} ` },
    ]) {
      const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers });
      expect(out.statusCode).toBe(204);
    }
    for (const token of [viaHeader, viaPadded]) {
      expect((await app.inject({ url: '/api/me', headers: auth(token) })).statusCode).toBe(401);
      const row = await db
        .selectFrom('staff_session')
        .select('token_hash')
        .where('token_hash', '=', sha256(token))
        .executeTakeFirst();
      expect(row).toBeUndefined();
    }
  });
});

describe('request logs', () => {
  it('keep the path and drop the query string (phone numbers, codes)', async () => {
    const { db } = await testDb();
    const m = await createTestMerchant(db);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const app = await buildApp({ db, config: testConfig(), logger });
    const phone = uniquePhone();
    const res = await app.inject({
      url: `/api/members/lookup?phone=${phone}`,
      headers: auth(m.tokens.owner),
    });
    expect(res.statusCode).toBeLessThan(500);
    await app.inject({ url: `/%61pi/members?q=${phone}` });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('"url":"/api/members/lookup"');
    expect(log).toContain('incoming request');
    expect(log).not.toContain(phone);
  });
});

describe('API keys', () => {
  it('a key stored as argon2id before December 2026 still works, once the slow way, then as SHA-256', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const prefix = `legacy${randomToken(4).replace(/[-_]/g, 'x')}`;
    const key = `rk_${prefix}_${randomToken(24)}`;
    const id = newId();
    await db
      .insertInto('api_key')
      .values({
        merchant_id: m.merchantId,
        id,
        name: 'old POS',
        prefix,
        secret_hash: await hashSecret(key),
        scopes: ['members.read'],
        created_by: m.staffIds.owner,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    const wrong = await app.inject({ url: '/api/me', headers: auth(`rk_${prefix}_guess`) });
    expect(wrong.statusCode).toBe(401);
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ url: '/api/me', headers: { 'x-api-key': key } });
      expect(res.statusCode).toBe(200);
      expect(res.json().actor).toMatchObject({ kind: 'api_key', id });
    }
    const row = await db
      .selectFrom('api_key')
      .select('secret_hash')
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(sha256(key));
    expect(
      (await app.inject({ url: '/api/me', headers: auth(`rk_${prefix}_guess`) })).statusCode,
    ).toBe(401);
  });
});
