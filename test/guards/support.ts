/**
 * What the generated guards share: the routes read from the OpenAPI document, two merchants
 * seeded with one row of each kind through the API itself, an id source per path parameter and
 * per body field, a minimal valid body per schema, and a checksum of one merchant's rows.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import { afterAll, expect } from 'vitest';
import { openMemberSession } from '../../src/core/member-app/member-session.service.ts';
import { apiKeyScopes } from '../../src/core/tenancy/permissions.ts';
import type { Role } from '../../src/core/tenancy/tenancy.table.ts';
import type { Db } from '../../src/db/database.ts';
import { type App, buildApp } from '../../src/http/app.ts';
import { startBoss } from '../../src/jobs/boss.ts';
import { testDb } from '../db.ts';
import {
  auth,
  createTestMerchant,
  type TestMerchant,
  testConfig,
  uniquePhone,
} from '../factories.ts';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
};

/** The app with a job queue (imports enqueue their runs; no worker runs them here). */
export async function guardApp(): Promise<{ app: App; db: Db }> {
  const conn = await testDb();
  const boss: PgBoss = await startBoss(conn.url, () => {});
  // the member page's development payments are on, so its payment routes are driven too
  const config = { ...testConfig(), devPayments: true };
  const app = await buildApp({ db: conn.db, config, boss });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await boss.stop({ graceful: false, wait: true });
  });
  return { app, db: conn.db };
}

export interface ApiRoute {
  method: string;
  /** Fastify form: /api/stores/:id */
  url: string;
  permission: string | null;
  pathParams: string[];
  body: JsonSchema | undefined;
  /** query parameter → its schema */
  query: Record<string, JsonSchema>;
  multipart: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every /api operation of the OpenAPI document; the permission is its security requirement. */
export function apiRoutes(app: App): ApiRoute[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, any>> };
  const routes: ApiRoute[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const security = (op.security ?? []) as Record<string, string[]>[];
      const content = op.requestBody?.content ?? {};
      routes.push({
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
        permission: security[0]?.session?.[0] ?? null,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
        body: content['application/json']?.schema,
        query: Object.fromEntries(
          ((op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[])
            .filter((p) => p.in === 'query')
            .map((p) => [p.name, p.schema]),
        ),
        multipart: 'multipart/form-data' in content,
      });
    }
  }
  return routes;
}

export const routeName = (r: Pick<ApiRoute, 'method' | 'url'>) => `${r.method} ${r.url}`;

/** One row of each kind of a merchant, created through the API as its owner. */
export interface World {
  merchant: TestMerchant;
  ids: Record<IdKind, string>;
  rightCode: string;
  /** a member page session (`ms_`) of `ids.member`: what drives the member.self routes */
  memberToken: string;
}

type IdKind =
  | 'store'
  | 'tier'
  | 'member'
  | 'member2'
  | 'identity'
  | 'staff'
  | 'apiKey'
  | 'rechargePlan'
  | 'recharge'
  | 'membershipPlan'
  | 'paidMembership'
  | 'campaign'
  | 'marketingCampaign'
  | 'reward'
  | 'redemption'
  | 'couponTemplate'
  | 'coupon'
  | 'importJob'
  | 'category'
  | 'product'
  | 'withdrawal'
  | 'sku'
  | 'order'
  | 'tag'
  | 'tagGroup'
  | 'guideTask'
  | 'message'
  | 'memberPayment'
  | 'privacyRequest'
  | 'segment'
  | 'webhookSubscription'
  | 'webhookDelivery'
  | 'messageTemplate'
  | 'automation'
  | 'holiday';

export async function call(
  app: App,
  token: string,
  method: string,
  url: string,
  payload?: unknown,
) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...auth(token), 'idempotency-key': randomUUID(), 'accept-language': 'en' },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: safeJson(res.body), raw: res };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const tag = () => randomUUID().slice(0, 8);

const couponTemplateBody = {
  name: 'Cash 5',
  benefit: { kind: 'cash_voucher', value_fen: 500 },
  validity: { mode: 'days_after_claim', days: 30 },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
  total_stock: null,
  per_member_limit: null,
};
const today = () => new Date().toISOString().slice(0, 10);
const GUARD_CATEGORY = 'guard_cat';

export async function seedWorld(app: App, db: Db): Promise<World> {
  const merchant = await createTestMerchant(db);
  const owner = merchant.tokens.owner;
  const make = async (url: string, payload: unknown, pick = (b: any) => b.id as string) => {
    const res = await call(app, owner, 'POST', url, payload);
    if (res.status >= 300)
      throw new Error(`seed ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return pick(res.body);
  };
  const rightCode = 'car_wash';
  const store = await make('/api/stores', { code: `S${tag()}`, name: 'Store' });
  const tier = await make('/api/tiers', {
    name: `T${tag()}`,
    threshold: 1000,
    rights: [{ code: rightCode, name: 'Car wash', monthly_uses: 3 }],
  });
  const member = await make('/api/members', { phone: uniquePhone(), home_store_id: store });
  const member2 = await make('/api/members', { phone: uniquePhone() });
  const identity = await make(`/api/members/${member}/identities`, {
    kind: 'shop_customer',
    value: `c-${tag()}`,
  });
  const staff = await make('/api/staff', {
    login: `g-${tag()}@test`,
    display_name: 'Extra',
    password: 'Passw0rd9',
    role: 'cashier',
  });
  const apiKey = await make(
    '/api/api-keys',
    { name: 'k', scopes: ['members.read'] },
    (b) => b.api_key.id,
  );
  await make('/api/custom-fields', { key: `f_${tag()}`, label: 'Flavour', type: 'text' });
  const rechargePlan = await make('/api/recharge-plans', {
    name: 'P',
    price_fen: 10_000,
    bonus_fen: 1_000,
  });
  const recharge = await make(`/api/members/${member}/recharges`, {
    plan_id: rechargePlan,
    tenders: [{ method: 'cash', amount_fen: 10_000 }],
    store_id: store,
  });
  await make(
    `/api/members/${member}/wallet/pay`,
    { amount_fen: 100, order_ref: `o-${tag()}` },
    () => '',
  );
  const membershipPlan = await make('/api/membership/plans', {
    name: 'Gold',
    price_fen: 9_900,
    duration_months: 12,
    tier_id: tier,
  });
  const paidMembership = await make(`/api/members/${member}/membership`, {
    plan_id: membershipPlan,
    tenders: [{ method: 'cash', amount_fen: 9_900 }],
  });
  await make('/api/membership/invitations', { phone: uniquePhone(), paid_fen: 5_000 });
  const campaign = await make('/api/points/campaigns', {
    name: 'Double',
    multiplier_bp: 20_000,
    starts_on: today(),
    ends_on: today(),
  });
  await make(`/api/members/${member}/points/grant`, { points: 500, reason: 'seed' }, () => '');
  const reward = await make('/api/mall/rewards', { kind: 'goods', name: 'Mug', points_price: 10 });
  const redemption = await make(`/api/mall/rewards/${reward}/redeem`, { member_id: member });
  const couponTemplate = await make('/api/coupon-templates', couponTemplateBody);
  const marketingCampaign = await make('/api/campaigns', {
    name: 'Guard campaign',
    target: { member_ids: [member] },
    actions: { message: { title: 'Hello', body: 'A message' } },
    control_bp: 0,
  });
  const coupon = await make(`/api/members/${member}/coupons`, {
    template_id: couponTemplate,
    reason: 'seed',
  });
  const importJob = await uploadImport(app, owner);
  const category = await make('/api/catalogue/categories', { code: GUARD_CATEGORY, name: 'Guard' });
  const productBody = { name: 'Mug', category_code: GUARD_CATEGORY, skus: [{ price_fen: 100 }] };
  const product = await make('/api/catalogue/products', productBody);
  const sku = (await call(app, owner, 'GET', `/api/catalogue/products/${product}`)).body.skus[0].id;
  // a request needs commission earned first; deciding one only needs it to exist
  const withdrawal = randomUUID();
  await db
    .insertInto('referral_withdrawal')
    .values({
      merchant_id: merchant.merchantId,
      id: withdrawal,
      member_id: member,
      amount_fen: 100,
      status: 'pending',
      note: null,
      requested_at: new Date(),
      decided_at: null,
      decided_by: null,
      decision_reason: null,
    })
    .execute();
  const order = await make('/api/orders', saleBody(store, member));
  const guideTask = randomUUID();
  await db
    .insertInto('guide_task')
    .values({
      merchant_id: merchant.merchantId,
      id: guideTask,
      staff_id: staff,
      member_id: member,
      kind: 'call',
      title: 'Call back',
      script: null,
      due_at: new Date(),
      outcome: null,
      note: null,
      campaign_id: null,
      created_at: new Date(),
      done_at: null,
    })
    .execute();
  const tagGroup = await make('/api/tag-groups', { name: `G${tag()}`, color: '#336699' });
  const tagId = await make('/api/tags', { kind: 'manual', name: `T${tag()}`, group_id: tagGroup });
  await make(`/api/tags/${tagId}/members`, { member_ids: [member] }, () => '');
  const segment = await make('/api/segments', { name: `S${tag()}`, rule: GUARD_RULE });
  const memberPage = await seedMemberPage(db, merchant, member, rechargePlan);
  const webhookSubscription = await make('/api/webhooks/subscriptions', {
    name: 'Guard ERP',
    url: 'https://erp.example.com/hook',
    event_types: ['member.created'],
  });
  const webhookDelivery = await make(
    `/api/webhooks/subscriptions/${webhookSubscription}/test`,
    undefined,
    (b) => b.delivery_id,
  );
  const automation = await make('/api/automations', {
    name: 'Guard automation',
    trigger: { kind: 'registered' },
    actions: { coupon_template_id: couponTemplate },
  });
  const holiday = await make('/api/holidays', { date: '2026-12-25', name: 'Guard holiday' });
  const messageTemplate = await make('/api/messaging/templates', {
    code: 'guard_note',
    purpose: 'service',
    title_zh: '通知',
    body_zh: '您好 {name}',
    title_en: 'Note',
    body_en: 'Hello {name}',
  });
  return {
    merchant,
    rightCode,
    memberToken: memberPage.token,
    ids: {
      store,
      tier,
      member,
      member2,
      identity,
      staff,
      apiKey,
      rechargePlan,
      recharge,
      membershipPlan,
      paidMembership,
      campaign,
      marketingCampaign,
      reward,
      redemption,
      couponTemplate,
      coupon,
      importJob,
      category,
      product,
      sku,
      withdrawal,
      order,
      guideTask,
      tag: tagId,
      ...memberPage.ids,
      tagGroup,
      segment,
      webhookSubscription,
      webhookDelivery,
      messageTemplate,
      automation,
      holiday,
    },
  };
}

/** The member page's rows of `member`: a session, an inbox message, a page payment, a request. */
async function seedMemberPage(db: Db, merchant: TestMerchant, member: string, plan: string) {
  const ctx = merchant.ctx();
  const m = merchant.merchantId;
  const { phone } = await db
    .selectFrom('member')
    .select('phone')
    .where('merchant_id', '=', m)
    .where('id', '=', member)
    .executeTakeFirstOrThrow();
  const { token } = await db
    .transaction()
    .execute((trx) => openMemberSession(trx, ctx, { phone: phone as string }));
  const [message, memberPayment, privacyRequest] = [randomUUID(), randomUUID(), randomUUID()];
  const now = new Date();
  await db
    .insertInto('member_message')
    .values({
      merchant_id: m,
      id: message,
      member_id: member,
      purpose: 'service',
      title: 'Hello',
      body: 'A message',
      ref_type: null,
      ref_id: null,
      read_at: null,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('member_payment')
    .values({
      merchant_id: m,
      id: memberPayment,
      member_id: member,
      plan_id: plan,
      amount_fen: 10_000,
      provider: 'development',
      provider_ref: null,
      recharge_id: null,
      store_id: null,
      created_at: now,
      completed_at: null,
    })
    .execute();
  await db
    .insertInto('member_privacy_request')
    .values({
      merchant_id: m,
      id: privacyRequest,
      member_id: member,
      kind: 'export',
      created_at: now,
      decided_at: null,
    })
    .execute();
  return { token, ids: { message, memberPayment, privacyRequest } };
}

async function uploadImport(app: App, token: string): Promise<string> {
  const boundary = `----guard${tag()}`;
  const csv = `手机号,姓名\n${uniquePhone()},张三\n`;
  const payload = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="members.csv"',
    'Content-Type: text/csv',
    '',
    csv,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const res = await app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { ...auth(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  if (res.statusCode !== 201) throw new Error(`seed import: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

/** The row kind a path parameter names, from the segment before it. */
const pathKinds: Record<string, IdKind> = {
  stores: 'store',
  tiers: 'tier',
  members: 'member',
  rewards: 'reward',
  redemptions: 'redemption',
  coupons: 'coupon',
  'coupon-templates': 'couponTemplate',
  plans: 'membershipPlan',
  'paid-memberships': 'paidMembership',
  'recharge-plans': 'rechargePlan',
  recharges: 'recharge',
  imports: 'importJob',
  staff: 'staff',
  'api-keys': 'apiKey',
  campaigns: 'campaign',
  categories: 'category',
  products: 'product',
  skus: 'sku',
  withdrawals: 'withdrawal',
  orders: 'order',
  'guide-tasks': 'guideTask',
  tags: 'tag',
  'tag-groups': 'tagGroup',
  segments: 'segment',
  messages: 'message',
  payments: 'memberPayment',
  'privacy-requests': 'privacyRequest',
  subscriptions: 'webhookSubscription',
  deliveries: 'webhookDelivery',
  templates: 'messageTemplate',
  automations: 'automation',
  holidays: 'holiday',
};

/** The id (or code) for each path parameter of `url` in `world`; undefined when none is known. */
export function pathValues(url: string, world: World): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  const segments = url.split('/');
  for (const [i, segment] of segments.entries()) {
    if (!segment.startsWith(':')) continue;
    const name = segment.slice(1);
    if (name === 'identityId') values[name] = world.ids.identity;
    else if (name === 'merchantId') values[name] = world.merchant.merchantId;
    else if (name === 'code') values[name] = world.rightCode;
    else if (name === 'channel') values[name] = 'sms';
    else {
      // /api/campaigns/:id is a marketing campaign, /api/points/campaigns/:id a points one
      const kind =
        segments[i - 1] === 'campaigns' && segments[i - 2] === 'api'
          ? 'marketingCampaign'
          : pathKinds[segments[i - 1] ?? ''];
      if (!kind) return undefined;
      values[name] = world.ids[kind];
    }
  }
  return values;
}

export const fillPath = (url: string, values: Record<string, string>) =>
  url.replace(/:(\w+)/g, (_, name: string) => values[name] ?? name);

/** Body fields that hold the id of another row: field → the kind of row. */
export function foreignKind(url: string, field: string): IdKind | undefined {
  if (field === 'store_id' || field === 'home_store_id') return 'store';
  if (field === 'tier_id') return 'tier';
  if (field === 'member_id' || field === 'referrer_id' || field === 'survivor_id') return 'member';
  if (field === 'merged_id') return 'member2';
  if (field === 'plan_id') return url.includes('membership') ? 'membershipPlan' : 'rechargePlan';
  if (field === 'reward_id') return 'reward';
  if (field === 'template_id') return 'couponTemplate';
  if (field === 'staff_id') return 'staff';
  if (field === 'group_id') return 'tagGroup';
  return undefined;
}

/** `body` with `field` set to `id`; a plan replaces the plain amount it excludes. */
export function withForeignId(
  body: Record<string, unknown> | undefined,
  field: string,
  id: string,
) {
  const next: Record<string, unknown> = { ...body, [field]: id };
  if (field === 'plan_id') delete next.amount_fen;
  return next;
}

/** Body fields whose value must follow a rule a schema alone cannot generate. */
function sampleByName(url: string, field: string): unknown {
  switch (field) {
    case 'phone':
      return uniquePhone();
    case 'login':
      return `g-${tag()}@test`;
    case 'password':
      return url.includes('payment-password') ? '135790' : 'Passw0rd9';
    case 'card_prefix':
      return '8802';
    case 'key':
      return `f_${tag()}`;
    case 'code':
      // a one-time code of the member page is six digits
      return url.startsWith('/api/member/') ? '123456' : `c_${tag()}`;
    case 'color':
      return '#336699';
    case 'url':
      return 'https://erp.example.com/hook';
    case 'time_zone':
      return 'Asia/Shanghai';
    case 'order_ref':
    case 'ref':
      return `o-${tag()}`;
    case 'paid_at':
      return new Date().toISOString();
    case 'starts_on':
    case 'ends_on':
      return today();
    case 'scopes':
      return ['members.read'];
    case 'tenders':
      return [{ method: 'cash', amount_fen: 100 }];
    default:
      return undefined;
  }
}

/**
 * Bodies the schema alone cannot make acceptable (amounts that must match a price, a plan or an
 * amount but not both), per route: the generic sample is patched with these.
 */
const bodyPatches: Record<string, (world: World) => Record<string, unknown>> = {
  'POST /api/members/:id/recharges': () => ({
    amount_fen: 100,
    tenders: [{ method: 'cash', amount_fen: 100 }],
  }),
  'POST /api/members/:id/membership': () => ({ tenders: [{ method: 'cash', amount_fen: 9_900 }] }),
  'POST /api/coupon-templates': () => couponTemplateBody,
  'POST /api/automations': (w) => ({
    trigger: { kind: 'registered' },
    actions: { coupon_template_id: w.ids.couponTemplate },
    condition: GUARD_RULE,
  }),
  'PATCH /api/automations/:id': () => ({ condition: GUARD_RULE }),
  'POST /api/holidays': () => ({ date: nextHoliday() }),
  'POST /api/holidays/seed': () => ({ year: 2027 }),
  'POST /api/tags/:id/members': (w) => ({ member_ids: [w.ids.member] }),
  'POST /api/tags/:id/members/remove': (w) => ({ member_ids: [w.ids.member] }),
  'POST /api/segments/preview': () => ({ rule: GUARD_RULE }),
  'POST /api/segments': () => ({ name: `S${tag()}`, rule: GUARD_RULE }),
  'PATCH /api/segments/:id': () => ({ rule: GUARD_RULE }),
  'POST /api/catalogue/products': () => ({ category_code: GUARD_CATEGORY }),
  'POST /api/checkout/quote': (w) => saleBody(w.ids.store, w.ids.member),
  'POST /api/orders': (w) => saleBody(w.ids.store, w.ids.member),
  'POST /api/orders/import': (w) => ({
    channel: 'shop',
    external_id: `x-${tag()}`,
    store_id: w.ids.store,
    paid_at: new Date().toISOString(),
    lines: [{ name: 'Tea', category: 'drinks', unit_price_fen: 100, quantity: 1, paid_fen: 100 }],
  }),
};

/** A new day of the holiday calendar at each call: a date can be in it once. */
let holidays = 0;
const nextHoliday = () => new Date(Date.UTC(2030, 0, 1 + holidays++)).toISOString().slice(0, 10);

/** A segment rule: members with an order in the last 30 days. */
const GUARD_RULE = { field: 'orders', days: 30 };

/** A ¥1 ad-hoc sale paid in cash: what the checkout routes accept. */
const saleBody = (store: string, member: string) => ({
  store_id: store,
  member_id: member,
  lines: [{ name: 'Tea', category: 'drinks', unit_price_fen: 100, quantity: 1 }],
  tenders: [{ method: 'cash', amount_fen: 100 }],
});

/** The sample body of a route: `sampleBody` with the route's patch. */
export function routeBody(
  route: { method: string; url: string; body: JsonSchema | undefined },
  world: World,
): Record<string, unknown> | undefined {
  if (!route.body) return undefined;
  const patch = bodyPatches[`${route.method} ${route.url}`];
  return { ...sampleBody(route.url, route.body, world), ...patch?.(world) };
}

/**
 * A minimal body valid for `schema`: required fields (a PATCH gets its first field), foreign
 * ids from `world`. Business rules may still refuse it; the schema does not.
 */
export function sampleBody(url: string, schema: JsonSchema, world: World): Record<string, unknown> {
  const props = schema.properties ?? {};
  const names = [...(schema.required ?? [])];
  if (names.length === 0 && (schema.minProperties ?? 0) > 0) {
    const first = Object.keys(props)[0];
    if (first) names.push(first);
  }
  const body: Record<string, unknown> = {};
  for (const name of names) body[name] = sampleValue(url, name, props[name] ?? {}, world);
  return body;
}

export function sampleValue(url: string, name: string, schema: JsonSchema, world: World): unknown {
  const kind = foreignKind(url, name);
  if (kind) return world.ids[kind];
  const named = sampleByName(url, name);
  if (named !== undefined) return named;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) {
    const branch = schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0] ?? {};
    return sampleValue(url, name, branch, world);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date') return today();
      if (schema.format === 'date-time') return new Date().toISOString();
      return 'g'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        sampleValue(url, name, schema.items ?? {}, world),
      );
    case 'object':
      return sampleBody(url, schema, world);
    default:
      return null;
  }
}

let tenantTables: Promise<string[]> | undefined;

/** Every table with a merchant_id column: where a merchant's data lives. */
export function listTenantTables(db: Db): Promise<string[]> {
  tenantTables ??= sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t using (table_schema, table_name)
    where c.table_schema = 'public' and c.column_name = 'merchant_id' and t.table_type = 'BASE TABLE'
    order by 1`
    .execute(db)
    .then((r) => r.rows.map((row) => row.table_name));
  return tenantTables;
}

/**
 * When a credential was last used is written by authenticating itself (at most once a minute),
 * not by the request being judged: it stays out of the checksum.
 */
const USE_STAMPS = sql`'{last_used_at,last_seen_at}'::text[]`;

/** A checksum of every row the merchant holds in every tenant table (and its merchant row). */
export async function merchantChecksum(db: Db, merchantId: string): Promise<string> {
  const tables = await listTenantTables(db);
  const parts = tables.map(
    (t) =>
      sql`select ${t} || md5((to_jsonb(x) - ${USE_STAMPS})::text) as h from ${sql.table(t)} x where merchant_id = ${merchantId}`,
  );
  parts.push(sql`select 'merchant' || md5(x::text) from merchant x where id = ${merchantId}`);
  const { rows } = await sql<{ sum: string | null }>`
    select md5(string_agg(h, ',' order by h)) as sum from (${sql.join(parts, sql` union all `)}) u`.execute(
    db,
  );
  return rows[0]?.sum ?? '';
}

/**
 * The credential a guard calls a route with, for one merchant: a key holding every scope an API
 * key may have, or the owner's session for the permissions only staff hold.
 */
export async function credentialsOf(app: App, world: World): Promise<(route: ApiRoute) => string> {
  const res = await call(app, world.merchant.tokens.owner, 'POST', '/api/api-keys', {
    name: 'guard',
    scopes: apiKeyScopes,
  });
  const key: string = res.body.key;
  return (route) =>
    route.permission === 'member.self'
      ? world.memberToken
      : route.permission && (apiKeyScopes as readonly string[]).includes(route.permission)
        ? key
        : world.merchant.tokens.owner;
}

/** The roles of the matrix, and the session token of each. */
export const ROLES: Role[] = ['owner', 'manager', 'cashier', 'marketer'];

/** A refusal for a missing permission (not a business refusal that happens to be a 403). */
export const isPermissionRefusal = (res: { status: number; body: any }) =>
  res.status === 403 &&
  (res.body?.error?.code === 'auth.forbidden' || res.body?.error?.code === 'auth.scope_missing');

export function expectErrorShape(res: { status: number; body: any }, label: string) {
  expect(typeof res.body?.error?.code, `${label}: error code`).toBe('string');
}
