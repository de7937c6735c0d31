/**
 * Body fuzz, generated from the OpenAPI document: every write route with a JSON body gets an
 * unknown field, a wrong type, an empty body, a 100 kB string and out-of-range amounts. Each
 * answer is a 4xx with a code and the field, never a 500, and the merchant's rows do not change.
 * Before that, every body schema is checked statically: objects closed, strings, numbers and
 * arrays bounded.
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
  guardApp,
  type JsonSchema,
  merchantChecksum,
  pathValues,
  routeBody,
  routeName,
  seedWorld,
  type World,
} from './support.ts';

/** Routes where an empty body is a valid request, and why. */
const emptyBodyAccepted: Record<string, string> = {
  'POST /api/imports/:id/dry-run': 'no mapping means the suggested one: starts the dry run',
};

let app: App;
let db: Db;
let world: World;
let tokenFor: (route: ApiRoute) => string;
let routes: ApiRoute[];

beforeAll(async () => {
  ({ app, db } = await guardApp());
  world = await seedWorld(app, db);
  tokenFor = await credentialsOf(app, world);
  routes = apiRoutes(app).filter((r) => r.body && r.method !== 'GET');
}, 120_000);

const branches = (s: JsonSchema): JsonSchema[] =>
  s.anyOf ? s.anyOf.flatMap(branches).filter((b) => b.type !== 'null') : [s];
const typeOf = (s: JsonSchema) => {
  const t = branches(s)[0]?.type;
  return Array.isArray(t) ? t[0] : t;
};

/** Unbounded parts of a body schema, as dotted paths: what lets a client send 100 MB or 1e300. */
function unbounded(schema: JsonSchema, path: string): string[] {
  const found: string[] = [];
  for (const s of branches(schema)) {
    if (s.const !== undefined || s.enum) continue;
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if (type === 'object') {
      const record = typeof s.additionalProperties === 'object';
      if (s.additionalProperties !== false && !record) found.push(`${path} (open object)`);
      if (record) found.push(...unbounded(s.additionalProperties as JsonSchema, `${path}.*`));
      for (const [name, prop] of Object.entries(s.properties ?? {}))
        found.push(...unbounded(prop, path ? `${path}.${name}` : name));
    } else if (type === 'string') {
      if (s.maxLength === undefined && !s.format) found.push(`${path} (string without maxLength)`);
    } else if (type === 'integer' || type === 'number') {
      if (s.maximum === undefined || s.minimum === undefined)
        found.push(`${path} (number without minimum and maximum)`);
    } else if (type === 'array') {
      if (s.maxItems === undefined) found.push(`${path} (array without maxItems)`);
      found.push(...unbounded(s.items ?? {}, `${path}.0`));
    }
  }
  return found;
}

function wrongType(s: JsonSchema): unknown {
  const type = typeOf(s);
  return type === 'string' ? 12345 : type === 'object' || type === 'array' ? 'x' : 'not-a-value';
}

interface FuzzCase {
  label: string;
  body: unknown;
  field?: string;
}

function casesOf(route: ApiRoute): FuzzCase[] {
  const base = routeBody(route, world) ?? {};
  const props = route.body?.properties ?? {};
  const cases: FuzzCase[] = [
    { label: 'unknown field', body: { ...base, zz_unknown: 1 }, field: 'zz_unknown' },
  ];
  if (!emptyBodyAccepted[routeName(route)]) cases.push({ label: 'empty body', body: {} });
  for (const [name, prop] of Object.entries(props)) {
    cases.push({
      label: `wrong type ${name}`,
      body: { ...base, [name]: wrongType(prop) },
      field: name,
    });
    const type = typeOf(prop);
    if (type === 'string' && !branches(prop)[0]?.format)
      cases.push(
        { label: `100 kB ${name}`, body: { ...base, [name]: 'x'.repeat(100_000) }, field: name },
        { label: `NUL in ${name}`, body: { ...base, [name]: 'a\u0000b' }, field: name },
      );
    if (type === 'integer' || type === 'number') {
      const min = branches(prop)[0]?.minimum;
      if (min === undefined || min >= 0)
        cases.push({ label: `negative ${name}`, body: { ...base, [name]: -1 }, field: name });
      cases.push({ label: `1e15 ${name}`, body: { ...base, [name]: 1e15 }, field: name });
    }
  }
  return cases;
}

describe('body fuzz', () => {
  test('every body schema is closed and bounded', () => {
    const found = routes.flatMap((r) =>
      unbounded(r.body as JsonSchema, '').map((p) => `${routeName(r)}: ${p}`),
    );
    expect(found).toEqual([]);
  });

  test('every write route answers bad bodies with a 4xx, a code and the field, and changes nothing', async () => {
    const failures: string[] = [];
    let fuzzed = 0;
    for (const route of routes) {
      const name = routeName(route);
      const url = fillPath(route.url, pathValues(route.url, world) ?? {});
      const before = await merchantChecksum(db, world.merchant.merchantId);
      for (const c of casesOf(route)) {
        fuzzed += 1;
        const res = await call(app, tokenFor(route), route.method, url, c.body);
        const error = res.body?.error;
        const ok =
          res.status >= 400 &&
          res.status < 500 &&
          typeof error?.code === 'string' &&
          typeof error?.field === 'string' &&
          (c.field === undefined ||
            error.field === c.field ||
            error.field.startsWith(`${c.field}.`));
        if (!ok)
          failures.push(
            `${name} (${c.label}): ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }
      if ((await merchantChecksum(db, world.merchant.merchantId)) !== before)
        failures.push(`${name}: a refused body changed the merchant's rows`);
    }
    expect(failures).toEqual([]);
    expect(fuzzed).toBeGreaterThan(150);
  }, 240_000);

  test('every query parameter answers garbage with a 4xx naming it', async () => {
    const failures: string[] = [];
    let fuzzed = 0;
    for (const route of apiRoutes(app).filter((r) => r.method === 'GET')) {
      const url = fillPath(route.url, pathValues(route.url, world) ?? {});
      for (const [param, schema] of Object.entries(route.query)) {
        const values = ['%00'];
        const type = typeOf(schema);
        if (param === 'cursor')
          values.push('garbage', Buffer.from('{"v":1,"id":"x"}').toString('base64url'));
        else if (branches(schema)[0]?.format === 'uuid') values.push('not-a-uuid');
        else if (type === 'integer' || type === 'number') values.push('x', '1e300');
        else if (type === 'boolean') values.push('maybe');
        for (const value of values) {
          fuzzed += 1;
          const res = await call(app, tokenFor(route), 'GET', `${url}?${param}=${value}`).catch(
            (e: Error) => ({ status: 0, body: e.message }),
          );
          const error = res.body?.error;
          if (!(res.status >= 400 && res.status < 500 && error?.field === param))
            failures.push(
              `${routeName(route)} ?${param}=${value}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(fuzzed).toBeGreaterThan(20);
  }, 120_000);
});
