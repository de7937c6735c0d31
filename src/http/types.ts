import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import type { MemberSession } from '../core/member-app/member-session.service.ts';
import type { Permission } from '../core/tenancy/permissions.ts';
import type { StaffSession } from '../core/tenancy/session.service.ts';
import type { Db } from '../db/database.ts';
import type { MemberSessionCache, SessionCache } from './plugins/auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    boss: PgBoss | undefined;
    /** this instance's short-lived session cache (plugins/auth.ts) */
    sessions: SessionCache;
    /** the same for member page sessions (`ms_` tokens) */
    memberSessions: MemberSessionCache;
    /** Registers third-party routes as `public: true` (plugins/auth.ts); every other route needs a permission. */
    publicRoutes(register: () => PromiseLike<unknown>): Promise<void>;
  }
  interface FastifyRequest {
    /** Set by the auth plugin on every non-public route. */
    ctx: Ctx;
    /** The staff session behind `ctx`; null for API keys and public routes. */
    session: StaffSession | null;
    /** The member page session behind `ctx` (`ms_` tokens); null otherwise. */
    memberSession: MemberSession | null;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one must say `public: true`. */
    permission?: Permission;
    public?: boolean;
  }
}
