import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { authenticateApiKey } from '../../core/tenancy/api-key.service.ts';
import { isPermission, permissionsOfRole } from '../../core/tenancy/permissions.ts';
import { findSessionStaff } from '../../core/tenancy/staff.service.ts';
import { DomainError } from '../../lib/errors.ts';
import { requestLocale } from './errors.ts';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

/**
 * Every route is closed unless it says `public: true`: a staff session token or an API key
 * builds `request.ctx`, and the route's `permission` is checked before the handler runs.
 */
export function registerAuth(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const url = route.url;
    if (!url.startsWith('/api/')) return;
    if (!route.config?.public && !route.config?.permission) {
      throw new Error(
        `route ${route.method} ${url} declares neither a permission nor public: true`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (request.is404 || !request.url.startsWith('/api/') || config.public) return;
    const token = bearer(request);
    if (!token) throw new DomainError('auth.required');
    const now = new Date();
    const locale = requestLocale(request);
    let ctx: Ctx;
    if (token.startsWith('rk_')) {
      const key = await authenticateApiKey(app.db, token);
      if (!key) throw new DomainError('auth.api_key_invalid');
      ctx = {
        merchantId: key.merchantId,
        actor: {
          kind: 'api_key',
          id: key.id,
          role: null,
          permissions: new Set(key.scopes.filter(isPermission)),
        },
        now,
        locale,
      };
    } else {
      const staff = await findSessionStaff(app.db, token, now);
      if (!staff) throw new DomainError('auth.required');
      ctx = {
        merchantId: staff.merchant_id,
        ...(staff.store_id ? { storeId: staff.store_id } : {}),
        actor: {
          kind: 'staff',
          id: staff.id,
          role: staff.role,
          permissions: permissionsOfRole(staff.role),
        },
        now,
        locale,
      };
    }
    if (config.permission && !ctx.actor.permissions.has(config.permission)) {
      throw new DomainError(
        ctx.actor.kind === 'api_key' ? 'auth.scope_missing' : 'auth.forbidden',
        {
          params: { permission: config.permission },
        },
      );
    }
    request.ctx = ctx;
  });
}
