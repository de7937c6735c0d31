import { type Config, loadConfig } from '../config.ts';
import type { Ctx } from '../core/context.ts';
import { systemCtx } from '../core/tenancy/system-ctx.ts';
import type { Db } from '../db/database.ts';
import { type DatabaseHandle, openDatabase } from '../db/database-server.ts';

/** Opens the database (sharing a running server's embedded one), runs `fn`, closes. */
export async function withDatabase<T>(
  fn: (db: Db, config: Config, handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const handle = await openDatabase(config, (m) => process.stderr.write(`${m}\n`), {
    reuseRunning: true,
  });
  try {
    return await fn(handle.db, config, handle);
  } finally {
    await handle.close();
  }
}

/** The merchant a command acts for: `--merchant`, or the only one there is. */
export async function merchantCtx(db: Db, merchantId: string | undefined): Promise<Ctx> {
  if (merchantId) return systemCtx(merchantId, new Date());
  const merchants = await db.selectFrom('merchant').select(['id', 'name']).limit(2).execute();
  if (merchants.length !== 1) {
    throw new Error(
      merchants.length === 0
        ? 'no merchant yet: run `regulars merchant create`'
        : 'several merchants: pass --merchant <id>',
    );
  }
  return systemCtx(merchants[0]!.id, new Date());
}

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
