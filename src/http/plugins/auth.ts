import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import {
  findMemberSession,
  MEMBER_TOKEN_PREFIX,
  type MemberSession,
  memberTokenHash,
} from '../../core/member-app/member-session.service.ts';
import { authenticateApiKey } from '../../core/tenancy/api-key.service.ts';
import {
  isPermission,
  type Permission,
  permissionsOfRole,
} from '../../core/tenancy/permissions.ts';
import {
  findSession,
  isSessionLive,
  STAFF_TOKEN_PREFIX,
  type StaffSession,
  TOUCH_EVERY_MS,
  tokenHash,
  touchSession,
} from '../../core/tenancy/session.service.ts';
import type { Locale } from '../../lib/errors.ts';
import { DomainError } from '../../lib/errors.ts';
import { ttlCache } from '../../lib/ttl-cache.ts';
import { requestLocale } from './errors.ts';

/**
 * Sessions are read on every request, so each app instance remembers them this long: a
 * deactivated staff member, a changed password or a logout on another instance is refused by
 * every instance within this window (logout is immediate on the instance that received it).
 */
export const SESSION_CACHE_MS = 10_000;

export type SessionCache = ReturnType<typeof ttlCache<StaffSession | undefined>>;
export type MemberSessionCache = ReturnType<typeof ttlCache<MemberSession | undefined>>;

/** The caller's token, read one way for the auth hook and for logout. */
export function requestToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}

/**
 * Authentication and permission are decided on the matched route, never on the raw URL (which
 * may be percent-encoded): every route must say `public: true` or name a `permission`, and a
 * route that is not public needs a token and that permission before anything else runs, the
 * body included. Unmatched requests go on to the 404 handler.
 */
export function registerAuth(app: FastifyInstance): void {
  const sessions: SessionCache = ttlCache(SESSION_CACHE_MS);
  app.decorate('sessions', sessions);
  app.decorateRequest('session', null);
  const memberSessions: MemberSessionCache = ttlCache(SESSION_CACHE_MS);
  app.decorate('memberSessions', memberSessions);
  app.decorateRequest('memberSession', null);

  // Third-party plugins (API reference, console files, CORS preflight) cannot declare
  // `public: true` on their routes: registered through `app.publicRoutes`, they are marked here.
  let publicWindows = 0;
  app.decorate('publicRoutes', async (register: () => PromiseLike<unknown>) => {
    publicWindows += 1;
    try {
      await register();
    } finally {
      publicWindows -= 1;
    }
  });
  app.addHook('onRoute', (route) => {
    if (publicWindows > 0) route.config = { ...route.config, public: true };
    if (!route.config?.public && !route.config?.permission) {
      throw new Error(
        `route ${route.method} ${route.url} declares neither a permission nor public: true (register a third-party plugin's routes through app.publicRoutes)`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    const { url, config } = request.routeOptions;
    if (url === undefined || config.public) return;
    const token = requestToken(request);
    if (!token) throw new DomainError('auth.required');
    const now = new Date();
    const locale = requestLocale(request);
    const ctx = token.startsWith(STAFF_TOKEN_PREFIX)
      ? await sessionCtx(app, request, token, now, locale)
      : token.startsWith(MEMBER_TOKEN_PREFIX)
        ? await memberCtx(app, request, token, now, locale)
        : token.startsWith('rk_')
          ? await apiKeyCtx(app, token, now, locale)
          : undefined;
    if (!ctx) throw new DomainError('auth.required');
    const permission = config.permission;
    // a member session opens the member page's routes only: `members.code` lets it mint its
    // own code there, never another member's through the staff API
    const memberOffPage = ctx.actor.kind === 'member' && permission !== 'member.self';
    if (!permission || memberOffPage || !ctx.actor.permissions.has(permission)) {
      throw new DomainError(
        ctx.actor.kind === 'api_key' ? 'auth.scope_missing' : 'auth.forbidden',
        { params: { permission } },
      );
    }
    request.ctx = ctx;
  });
}

async function apiKeyCtx(app: FastifyInstance, token: string, now: Date, locale: Locale) {
  const key = await authenticateApiKey(app.db, token, now);
  if (!key) throw new DomainError('auth.api_key_invalid');
  return {
    merchantId: key.merchantId,
    actor: {
      kind: 'api_key',
      id: key.id,
      role: null,
      permissions: new Set(key.scopes.filter(isPermission)),
    },
    now,
    locale,
  } satisfies Ctx;
}

/** What a member session may do: its own page, and mint its own dynamic member code. */
const MEMBER_PERMISSIONS: ReadonlySet<Permission> = new Set(['member.self', 'members.code']);

/**
 * A member page session (`ms_` token): the member its phone is (null while the phone is no
 * member yet), the store of the link it came from. Cached like staff sessions; sign-out and a
 * claim that binds the session drop it from this instance's cache at once.
 */
async function memberCtx(
  app: FastifyInstance,
  request: FastifyRequest,
  token: string,
  now: Date,
  locale: Locale,
): Promise<Ctx> {
  const hash = memberTokenHash(token);
  const session = await app.memberSessions.get(hash, () => findMemberSession(app.db, hash));
  if (!session || session.expires_at <= now) throw new DomainError('auth.required');
  request.memberSession = session;
  return {
    merchantId: session.merchant_id,
    ...(session.store_id ? { storeId: session.store_id } : {}),
    actor: { kind: 'member', id: session.member_id, role: null, permissions: MEMBER_PERMISSIONS },
    now,
    locale,
  };
}

async function sessionCtx(
  app: FastifyInstance,
  request: FastifyRequest,
  token: string,
  now: Date,
  locale: Locale,
): Promise<Ctx> {
  const hash = tokenHash(token);
  const session = await app.sessions.get(hash, () => findSession(app.db, hash));
  if (!session || !isSessionLive(session, now, app.config)) throw new DomainError('auth.required');
  if (now.getTime() - session.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    if (!(await touchSession(app.db, hash, now, app.config))) {
      app.sessions.delete(hash);
      throw new DomainError('auth.required');
    }
    session.last_seen_at = now;
  }
  request.session = session;
  return {
    merchantId: session.merchant_id,
    ...(session.store_id ? { storeId: session.store_id } : {}),
    actor: {
      kind: 'staff',
      id: session.id,
      role: session.role,
      permissions: permissionsOfRole(session.role),
    },
    now,
    locale,
  };
}
