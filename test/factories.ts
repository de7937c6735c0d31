import { randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../src/config.ts';
import type { Ctx } from '../src/core/context.ts';
import { registerMember } from '../src/core/members/member.service.ts';
import type { MemberRow } from '../src/core/members/member.table.ts';
import { login } from '../src/core/tenancy/login.service.ts';
import { createMerchant } from '../src/core/tenancy/merchant.service.ts';
import { permissionsOfRole } from '../src/core/tenancy/permissions.ts';
import { addStaff } from '../src/core/tenancy/staff.service.ts';
import type { Role } from '../src/core/tenancy/tenancy.table.ts';
import type { Db } from '../src/db/database.ts';
import { type App, buildApp } from '../src/http/app.ts';
import { testDb } from './db.ts';

export const PASSWORD = 'Passw0rd!';

export function testConfig(): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: undefined,
    dataDir: '.tmp/data',
    embeddedPgPort: 0,
    logLevel: 'silent',
    secret: 'test-secret-test-secret-test-secret-0001',
    uploadLimitBytes: 2 * 1024 * 1024,
    seedDemo: false,
    sessionHours: 12,
    sessionIdleMinutes: 60,
    trustProxy: [],
  };
}

export interface TestMerchant {
  merchantId: string;
  /** login names per role */
  logins: Record<Role, string>;
  /** session tokens per role */
  tokens: Record<Role, string>;
  staffIds: Record<Role, string>;
  ctx(role?: Role, now?: Date): Ctx;
}

const ROLES: Role[] = ['owner', 'manager', 'cashier', 'marketer'];

/** A fresh merchant with one logged-in staff member per role: tests never share tenants. */
export async function createTestMerchant(
  db: Db,
  options: { timeZone?: string; allowForeignPhone?: boolean } = {},
): Promise<TestMerchant> {
  const tag = randomBytes(5).toString('hex');
  const now = new Date();
  const logins = Object.fromEntries(ROLES.map((r) => [r, `${r}-${tag}@test`])) as Record<
    Role,
    string
  >;
  const { merchant, ownerId } = await db.transaction().execute((trx) =>
    createMerchant(
      trx,
      {
        name: `Test ${tag}`,
        time_zone: options.timeZone ?? 'Asia/Shanghai',
        card_prefix: '8801',
        allow_foreign_phone: options.allowForeignPhone ?? false,
        owner: { login: logins.owner, display_name: 'Owner', password: PASSWORD },
      },
      now,
    ),
  );
  const staffIds = { owner: ownerId } as Record<Role, string>;
  const ctxFor = (role: Role = 'owner', at = new Date()): Ctx => ({
    merchantId: merchant.id,
    actor: { kind: 'staff', id: staffIds[role], role, permissions: permissionsOfRole(role) },
    now: at,
    locale: 'en',
  });
  for (const role of ROLES.slice(1)) {
    const staff = await db.transaction().execute((trx) =>
      addStaff(trx, ctxFor('owner'), {
        login: logins[role],
        display_name: role,
        password: PASSWORD,
        role,
      }),
    );
    staffIds[role] = staff.id;
  }
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    const input = { login: logins[role], password: PASSWORD, address: '127.0.0.1' };
    const result = await login(db, input, now, testConfig());
    if (!result.ok) throw new Error(`login failed for ${role}`);
    tokens[role] = result.token;
  }
  return { merchantId: merchant.id, logins, tokens, staffIds, ctx: ctxFor };
}

let appPromise: Promise<{ app: App; db: Db }> | undefined;

/** The HTTP app on this file's database, built once per file. */
export function testApp(): Promise<{ app: App; db: Db }> {
  appPromise ??= (async () => {
    const { db } = await testDb();
    const app = await buildApp({ db, config: testConfig() });
    await app.ready();
    return { app, db };
  })();
  return appPromise;
}

let phoneCounter = 0;
/** A unique mainland mobile number per call within a run. */
export function uniquePhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10_000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export async function createMember(
  db: Db,
  ctx: Ctx,
  input: Partial<Parameters<typeof registerMember>[2]> = {},
): Promise<MemberRow> {
  return db
    .transaction()
    .execute((trx) => registerMember(trx, ctx, { phone: uniquePhone(), ...input }));
}

/** A coupon template body: a ¥5 cash voucher for 30 days after claim, usable anywhere; `fields` override. */
export const couponTemplateBody = (fields: object = {}) => ({
  name: '¥5 代金券',
  benefit: { kind: 'cash_voucher', value_fen: 500 },
  validity: { mode: 'days_after_claim', days: 30 },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
  total_stock: null,
  per_member_limit: null,
  ...fields,
});

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** A value-moving POST as staff: a fresh Idempotency-Key unless the test names one. */
export const postWithKey = (
  app: App,
  token: string,
  url: string,
  payload: object,
  key: string = randomUUID(),
) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...auth(token), 'idempotency-key': key },
    payload,
  });
