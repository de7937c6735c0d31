/**
 * Role matrix, generated from the OpenAPI document: every route is called as each role and as
 * API keys with and without the route's scope. A permission refusal (403 auth.forbidden /
 * auth.scope_missing) must happen exactly when the permission table of docs/api.md says so,
 * and that table must be the one generated from the permission map.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  parsePermissionTable,
  roles,
  withPermissionTable,
} from '../../src/core/tenancy/permission-table.ts';
import { apiKeyScopes, permissionsOfRole } from '../../src/core/tenancy/permissions.ts';
import type { Db } from '../../src/db/database.ts';
import type { App } from '../../src/http/app.ts';
import {
  type ApiRoute,
  apiRoutes,
  call,
  fillPath,
  guardApp,
  isPermissionRefusal,
  pathValues,
  routeBody,
  routeName,
  seedWorld,
  type World,
} from './support.ts';

const docsFile = resolve(import.meta.dirname, '../../docs/api.md');
const docs = readFileSync(docsFile, 'utf8');

/** Routes anyone may call, and why. */
const publicRoutes: Record<string, string> = {
  'POST /api/auth/login': 'how a staff member gets a session',
  'GET /api/member/m/:merchantId': "what a member's link shows before sign-in",
  'POST /api/member/m/:merchantId/codes': 'how a member asks for a sign-in code',
  'POST /api/member/m/:merchantId/sessions': 'how a member signs in with the code',
};

/** Routes that must not be driven by the matrix, and why. */
const skipped: Record<string, string> = {
  'POST /api/auth/logout': "ends the caller's own session, which the rest of the matrix needs",
};

let app: App;
let db: Db;
let world: World;
let routes: ApiRoute[];
const keysWithout = new Map<string, string>();
let fullKey: string;

async function createKey(scopes: readonly string[]): Promise<string> {
  const res = await call(app, world.merchant.tokens.owner, 'POST', '/api/api-keys', {
    name: 'matrix',
    scopes,
  });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key;
}

beforeAll(async () => {
  ({ app, db } = await guardApp());
  world = await seedWorld(app, db);
  routes = apiRoutes(app).filter((r) => r.permission);
  fullKey = await createKey(apiKeyScopes);
  for (const permission of new Set(routes.map((r) => r.permission as string))) {
    const scopes = apiKeyScopes.filter((s) => s !== permission);
    keysWithout.set(
      permission,
      scopes.length === apiKeyScopes.length ? fullKey : await createKey(scopes),
    );
  }
}, 120_000);

describe('role matrix', () => {
  test('the permission table in docs/api.md is generated from the permission map', () => {
    expect(docs, 'run `npm run docs:permissions`').toBe(withPermissionTable(docs));
    const table = parsePermissionTable(docs);
    for (const role of roles)
      expect([...table[role]].sort()).toEqual([...permissionsOfRole(role)].sort());
  });

  test('only the listed routes are public', () => {
    const unguarded = apiRoutes(app)
      .filter((r) => !r.permission)
      .map(routeName);
    expect(unguarded.sort()).toEqual(Object.keys(publicRoutes).sort());
  });

  test('each role and key is refused exactly where the table says', async () => {
    const table = parsePermissionTable(docs);
    const mismatches: string[] = [];
    for (const route of routes) {
      const name = routeName(route);
      if (skipped[name]) continue;
      const permission = route.permission as string;
      const values = pathValues(route.url, world);
      const url = fillPath(route.url, values ?? {});
      const actors: { label: string; token: string; refused: boolean }[] = [
        ...roles.map((role) => ({
          label: role,
          token: world.merchant.tokens[role],
          refused: !table[role].has(permission),
        })),
        {
          label: 'key without the scope',
          token: keysWithout.get(permission) as string,
          refused: true,
        },
        {
          label: 'key with every scope',
          token: fullKey,
          refused: !(apiKeyScopes as readonly string[]).includes(permission),
        },
      ];
      for (const actor of actors) {
        const res = await call(app, actor.token, route.method, url, routeBody(route, world));
        if (isPermissionRefusal(res) !== actor.refused || res.status >= 500) {
          mismatches.push(
            `${name} as ${actor.label}: expected ${actor.refused ? '403' : 'not 403'}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);
});
