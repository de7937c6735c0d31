/**
 * Tenant sweep, generated from the OpenAPI document: every route with an id in its path or a
 * foreign id in its body is called by merchant B with merchant A's ids, and must answer 404
 * (naming the body field) while A's rows stay byte-for-byte the same; a body naming A's
 * merchant_id is refused; a list filtered by A's ids, and every list of B, shows none of A's. A new route is covered
 * without anyone writing a test; one that cannot be is listed below with the reason.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Db } from '../../src/db/database.ts';
import type { App } from '../../src/http/app.ts';
import {
  type ApiRoute,
  apiRoutes,
  call,
  credentialsOf,
  fillPath,
  foreignKind,
  guardApp,
  merchantChecksum,
  pathValues,
  routeBody,
  routeName,
  seedWorld,
  type World,
  withForeignId,
} from './support.ts';

/** Routes with ids that the generic sweep cannot drive, and why (a test keeps this list honest). */
const notSweepable: Record<string, string> = {
  'GET /api/member/m/:merchantId':
    "public: the merchant's name behind a member link is what the link is for",
  'POST /api/member/m/:merchantId/codes':
    'public: the link names the merchant a phone signs in to (any merchant may be signed in to)',
  'POST /api/member/m/:merchantId/sessions':
    'public: the link names the merchant a phone signs in to (any merchant may be signed in to)',
  'PUT /api/messaging/channels/:channel':
    'the path names a channel kind (sms, email, wechat), not a row: each merchant sets its own',
};

let app: App;
let db: Db;
let a: World;
let b: World;
let tokenFor: (route: ApiRoute) => string;
let routes: ApiRoute[];

beforeAll(async () => {
  ({ app, db } = await guardApp());
  a = await seedWorld(app, db);
  b = await seedWorld(app, db);
  tokenFor = await credentialsOf(app, b);
  routes = apiRoutes(app);
}, 120_000);

const foreignFields = (route: ApiRoute): string[] =>
  Object.keys(route.body?.properties ?? {}).filter((f) => foreignKind(route.url, f));

interface Case {
  label: string;
  route: ApiRoute;
  url: string;
  body: Record<string, unknown> | undefined;
  field?: string;
  /** 404 unless said (another merchant's row does not exist for B); a filter may answer 200 */
  status?: number | 'no rows of A';
}

function casesOf(route: ApiRoute): Case[] | undefined {
  const cases: Case[] = [];
  const own = pathValues(route.url, b);
  const theirs = pathValues(route.url, a);
  if (!own || !theirs) return undefined;
  const body = () => routeBody(route, b);
  if (route.pathParams.length > 0) {
    cases.push({ label: 'path ids of A', route, url: fillPath(route.url, theirs), body: body() });
  }
  if (route.body && route.method !== 'GET') {
    const merchantId = a.merchant.merchantId;
    cases.push({
      label: "merchant_id of A in B's body",
      route,
      url: fillPath(route.url, own),
      body: { ...body(), merchant_id: merchantId },
      field: 'merchant_id',
      status: 400,
    });
  }
  if (route.method === 'GET' && route.pathParams.length === 0) {
    cases.push({
      label: "B's own list",
      route,
      url: route.url,
      body: undefined,
      status: 'no rows of A',
    });
  }
  for (const param of Object.keys(route.query).filter((q) => foreignKind(route.url, q))) {
    const kind = foreignKind(route.url, param);
    if (!kind) continue;
    cases.push({
      label: `query ${param} of A`,
      route,
      url: `${fillPath(route.url, own)}?${param}=${a.ids[kind]}`,
      body: undefined,
      status: 'no rows of A',
    });
  }
  for (const field of foreignFields(route)) {
    const kind = foreignKind(route.url, field);
    if (!kind) continue;
    cases.push({
      label: `body ${field} of A`,
      route,
      url: fillPath(route.url, own),
      body: withForeignId(body(), field, a.ids[kind]),
      field,
    });
  }
  return cases;
}

describe('tenant sweep', () => {
  test('every route with an id is swept or listed with a reason', () => {
    const unsweepable = routes
      .filter(
        (r) =>
          r.pathParams.length > 0 ||
          foreignFields(r).length > 0 ||
          Object.keys(r.query).some((q) => foreignKind(r.url, q)),
      )
      .filter((r) => !casesOf(r) && !notSweepable[routeName(r)])
      .map(routeName);
    expect(unsweepable).toEqual([]);
    for (const name of Object.keys(notSweepable))
      expect(routes.map(routeName), `listed route ${name} exists`).toContain(name);
  });

  test("merchant B gets 404 for each of A's ids, and A's rows do not change", async () => {
    const failures: string[] = [];
    let swept = 0;
    const before = await merchantChecksum(db, a.merchant.merchantId);
    for (const route of routes) {
      const name = routeName(route);
      if (notSweepable[name]) continue;
      for (const c of casesOf(route) ?? []) {
        const res = await call(app, tokenFor(route), route.method, c.url, c.body);
        const error = res.body?.error;
        swept += 1;
        const leaks = Object.values(a.ids).some((id) => res.raw.body.includes(id));
        const ok =
          c.status === 'no rows of A'
            ? res.status < 500 && !leaks
            : res.status === (c.status ?? 404) &&
              typeof error?.code === 'string' &&
              (c.field === undefined || error.field === c.field);
        if (!ok) failures.push(`${name} (${c.label}): ${res.status} ${JSON.stringify(res.body)}`);
        const after = await merchantChecksum(db, a.merchant.merchantId);
        if (after !== before) {
          failures.push(`${name} (${c.label}) changed merchant A's rows`);
          break;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(swept).toBeGreaterThan(80);
  }, 120_000);
});
