import { sql } from 'kysely';
import { cte, queries, type WriteSet } from './write-set.ts';

/** The key a value-moving POST holds in its transaction, and the status it answers with. */
export interface IdempotencyClaim {
  merchantId: string;
  key: string;
  status: number;
  /** the operation's rows were locked with the claim (see `idempotent`'s `lock`) */
  locked: boolean;
  /** the operation stored its answer itself, in its own last statement */
  stored: boolean;
}

/** The answer stored under the claimed key, as a part of the operation's `WriteSet`. */
export function responseWrites(claim: IdempotencyClaim, response: unknown): WriteSet {
  claim.stored = true;
  return {
    ctes: [
      cte(
        'idempotency_response',
        queries
          .updateTable('idempotency_key')
          .set({ status_code: claim.status, response: JSON.stringify(response) })
          .where('merchant_id', '=', claim.merchantId)
          .where('key', '=', claim.key)
          .returning('response'),
      ),
    ],
    results: [sql`(select response from idempotency_response) as idempotency_response`],
  };
}

/**
 * The answer as stored (jsonb orders object keys its own way), so the first answer is the
 * very one a retry gets.
 */
export const storedResponseOf = <T>(result: Record<string, unknown>, response: T): T =>
  (result.idempotency_response as T | undefined) ?? response;
