/**
 * Issue 7 §1.2 and §1.14, one test per defect: a body cannot move a row to another merchant,
 * foreign ids in bodies are the caller's own (404 naming the field, and a composite foreign
 * key behind it), and the client mistakes that were 500s are 400s with a code and a field.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import type { App } from '../../src/http/app.ts';
import { call, guardApp, seedWorld, type World } from './support.ts';

let app: App;
let db: Db;
let a: World;
let b: World;

beforeAll(async () => {
  ({ app, db } = await guardApp());
  a = await seedWorld(app, db);
  b = await seedWorld(app, db);
}, 120_000);

const ownerOf = (w: World) => w.merchant.tokens.owner;
const merchantOf = async (table: 'store' | 'tier' | 'mall_reward', id: string) =>
  (await db.selectFrom(table).select('merchant_id').where('id', '=', id).executeTakeFirst())
    ?.merchant_id;

describe('mass assignment across tenants', () => {
  test.each([
    ['stores', 'store', 'store'],
    ['tiers', 'tier', 'tier'],
    ['mall/rewards', 'mall_reward', 'reward'],
  ] as const)(
    'PATCH /%s/:id with merchant_id is refused and moves nothing',
    async (path, table, kind) => {
      const id = b.ids[kind];
      const res = await call(app, ownerOf(b), 'PATCH', `/api/${path}/${id}`, {
        name: 'Moved',
        merchant_id: a.merchant.merchantId,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'request.invalid', field: 'merchant_id' });
      expect(await merchantOf(table, id)).toBe(b.merchant.merchantId);
    },
  );
});

describe('foreign ids in bodies', () => {
  test("another merchant's store on staff is a 404 naming store_id (was a 500)", async () => {
    const created = await call(app, ownerOf(b), 'POST', '/api/staff', {
      login: `x-${randomUUID().slice(0, 8)}@test`,
      display_name: 'X',
      password: 'Passw0rd9',
      role: 'cashier',
      store_id: a.ids.store,
    });
    expect(created.status).toBe(404);
    expect(created.body.error).toMatchObject({ code: 'store.not_found', field: 'store_id' });
    const patched = await call(app, ownerOf(b), 'PATCH', `/api/staff/${b.ids.staff}`, {
      store_id: a.ids.store,
    });
    expect(patched.status).toBe(404);
    expect(patched.body.error).toMatchObject({ code: 'store.not_found', field: 'store_id' });
    const staff = await db
      .selectFrom('staff')
      .select('store_id')
      .where('id', '=', b.ids.staff)
      .executeTakeFirstOrThrow();
    expect(staff.store_id).toBeNull();
  });

  test("another merchant's tier on a paid plan is a 404 naming tier_id, and the database refuses it", async () => {
    const res = await call(app, ownerOf(b), 'POST', '/api/membership/plans', {
      name: 'Cross',
      price_fen: 100,
      duration_months: 1,
      tier_id: a.ids.tier,
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'tier.not_found', field: 'tier_id' });
    await expect(
      sql`update membership_plan set tier_id = ${a.ids.tier} where id = ${b.ids.membershipPlan}`.execute(
        db,
      ),
    ).rejects.toMatchObject({ code: '23503' });
  });

  test('a tier a paid plan grants cannot be deleted: 409, not a foreign-key 500', async () => {
    const res = await call(app, ownerOf(b), 'DELETE', `/api/tiers/${b.ids.tier}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('tier.in_use');
  });
});

describe('client mistakes are 4xx with a code, not 500s', () => {
  test.each([
    ['/api/merchant'],
    ['/api/stores/:store'],
    ['/api/staff/:staff'],
    ['/api/tiers/:tier'],
  ])('PATCH %s {} is 400 request.invalid naming the body', async (path) => {
    const url = path
      .replace(':store', b.ids.store)
      .replace(':staff', b.ids.staff)
      .replace(':tier', b.ids.tier);
    const res = await call(app, ownerOf(b), 'PATCH', url, {});
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'request.invalid', field: 'body' });
  });

  test('a member cursor whose id is not a UUID is 400 naming the cursor', async () => {
    const cursor = Buffer.from(
      JSON.stringify({ v: new Date().toISOString(), id: 'nope' }),
    ).toString('base64url');
    const res = await call(app, ownerOf(b), 'GET', `/api/members?cursor=${cursor}`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('cursor');
  });

  test('a NUL byte in a search or a body is 400 naming the field', async () => {
    const search = await call(app, ownerOf(b), 'GET', '/api/members?q=%00');
    expect(search.status).toBe(400);
    expect(search.body.error).toMatchObject({ code: 'request.invalid', field: 'q' });
    const body = await call(app, ownerOf(b), 'PATCH', `/api/stores/${b.ids.store}`, {
      name: 'a\u0000b',
    });
    expect(body.status).toBe(400);
    expect(body.body.error).toMatchObject({ code: 'request.invalid', field: 'name' });
  });
});
