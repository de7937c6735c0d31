import type { FastifyInstance } from 'fastify';

/**
 * Each operation of the OpenAPI document names the permission its route needs as the role of
 * its security requirement (OpenAPI 3.1 allows role names there); a public route has none. So
 * /docs tells an integrator which scope a key needs, and the generated guards (test/guards/) read
 * every route's permission from the same document they walk.
 */
export function documentPermissions(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const permission = route.config?.permission;
    const security: Record<string, string[]>[] =
      route.config?.public || !permission
        ? []
        : [{ session: [permission] }, { apiKey: [permission] }];
    route.schema = { ...route.schema, security };
  });
}
