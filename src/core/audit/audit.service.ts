import type { Db, Trx } from '../../db/database.ts';
import { cte, queries, type WriteSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import type { AuditEntry } from './audit.schema.ts';

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Every write records who did what, when, and for value changes the before and after; inside the
 * operation's transaction (`trx`), or on its own for an audited read (`db`).
 */
export async function recordAudit(trx: Db | Trx, ctx: Ctx, input: AuditInput): Promise<void> {
  await auditInsert(trx, ctx, [input]).execute();
}

const auditInsert = (db: Db | Trx | typeof queries, ctx: Ctx, inputs: readonly AuditInput[]) =>
  db.insertInto('audit_log').values(
    inputs.map((input) => ({
      merchant_id: ctx.merchantId,
      id: newId(),
      actor_kind: ctx.actor.kind,
      actor_id: ctx.actor.id,
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId,
      before: input.before === undefined ? null : JSON.stringify(input.before),
      after: input.after === undefined ? null : JSON.stringify(input.after),
      created_at: ctx.now,
    })),
  );

/** `recordAudit`'s rows as a part of a `WriteSet` (its statement goes with the operation's). */
export const auditWrites = (ctx: Ctx, name: string, inputs: readonly AuditInput[]): WriteSet => ({
  ctes: [cte(name, auditInsert(queries, ctx, inputs))],
  results: [],
});

/**
 * The audit trail of one entity, newest first, with the actor's name and store joined in: the
 * staff member for staff, the key's name for an API key.
 */
export async function listAudit(
  db: Db,
  ctx: Ctx,
  filter: { entityType?: string; entityId?: string; limit: number },
): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('staff as s', (j) =>
      j
        .onRef('s.merchant_id', '=', 'a.merchant_id')
        .onRef('s.id', '=', 'a.actor_id')
        .on('a.actor_kind', '=', 'staff'),
    )
    .leftJoin('store as st', (j) =>
      j.onRef('st.merchant_id', '=', 's.merchant_id').onRef('st.id', '=', 's.store_id'),
    )
    .leftJoin('api_key as k', (j) =>
      j
        .onRef('k.merchant_id', '=', 'a.merchant_id')
        .onRef('k.id', '=', 'a.actor_id')
        .on('a.actor_kind', '=', 'api_key'),
    )
    .select([
      'a.id',
      'a.actor_kind',
      'a.actor_id',
      'a.action',
      'a.before',
      'a.after',
      'a.created_at',
      'st.id as store_id',
      'st.name as store_name',
    ])
    .select((eb) => eb.fn.coalesce('s.display_name', 'k.name').as('actor_name'))
    .where('a.merchant_id', '=', ctx.merchantId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit);
  if (filter.entityType) query = query.where('a.entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('a.entity_id', '=', filter.entityId);
  return query.execute();
}
