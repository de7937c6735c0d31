import { CompiledQuery } from 'kysely';
import type { Trx } from '../db/database.ts';

/** pg-boss writes its job through the caller's transaction: enqueued only if the request commits. */
export const viaTransaction = (trx: Trx) => ({
  executeSql: async (text: string, values: unknown[]) => {
    const result = await trx.executeQuery(CompiledQuery.raw(text, values));
    return { rows: result.rows as any[] };
  },
});
