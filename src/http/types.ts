import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import type { Permission } from '../core/tenancy/permissions.ts';
import type { StaffSession } from '../core/tenancy/session.service.ts';
import type { Db } from '../db/database.ts';
import type { SessionCache } from './plugins/auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    boss: PgBoss | undefined;
    /** this instance's short-lived session cache (plugins/auth.ts) */
    sessions: SessionCache;
    /** Registers third-party routes as `public: true` (plugins/auth.ts); every other route needs a permission. */
    publicRoutes(register: () => PromiseLike<unknown>): Promise<void>;
  }
  interface FastifyRequest {
    /** Set by the auth plugin on every non-public route. */
    ctx: Ctx;
    /** The staff session behind `ctx`; null for API keys and public routes. */
    session: StaffSession | null;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one must say `public: true`. */
    permission?: Permission;
    public?: boolean;
  }
}
