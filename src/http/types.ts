import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import type { Permission } from '../core/tenancy/permissions.ts';
import type { Db } from '../db/database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    boss: PgBoss | undefined;
  }
  interface FastifyRequest {
    /** Set by the auth plugin on every non-public route. */
    ctx: Ctx;
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one must say `public: true`. */
    permission?: Permission;
    public?: boolean;
  }
}
