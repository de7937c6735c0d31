import type { Db, Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';

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
  await trx
    .insertInto('audit_log')
    .values({
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
    })
    .execute();
}

export async function listAudit(
  db: Db,
  ctx: Ctx,
  filter: { entityType?: string; entityId?: string; limit: number },
) {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  return query.execute();
}
