import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { maskPhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';

/**
 * A role without `members.pii` (the till) may find a member by a whole phone number, since a
 * customer tells it, but every such lookup is audited and each actor gets this many an hour:
 * enough for a busy till, too few to confirm a list of numbers.
 */
export const PHONE_LOOKUPS_PER_HOUR = 120;

/**
 * Counts this actor's phone lookups of the last hour (audit_log_actor index) and records this
 * one, found or not (a miss confirms a number as much as a hit). Committed on its own, outside
 * any business transaction: a refused lookup still counts.
 */
export async function recordPhoneLookup(db: Db, ctx: Ctx, phone: string): Promise<void> {
  const since = new Date(ctx.now.getTime() - 3600_000);
  const { n } = await db
    .selectFrom('audit_log')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', ctx.merchantId)
    .where('actor_id', ctx.actor.id === null ? 'is' : '=', ctx.actor.id)
    .where('action', '=', 'member.phone_lookup')
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  if (n >= PHONE_LOOKUPS_PER_HOUR)
    throw new DomainError('member.lookup_rate_limited', { field: 'phone' });
  await recordAudit(db, ctx, {
    action: 'member.phone_lookup',
    entityType: 'member',
    entityId: null,
    after: { phone: maskPhone(phone) },
  });
}
