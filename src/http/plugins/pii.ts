import type { FastifyInstance } from 'fastify';
import { maskPhones } from '../../core/members/member.rules.ts';

/**
 * One presenter for personal data, so that no route can forget it: every JSON response to a
 * caller without `members.pii` has its phone fields masked, however deep they sit (members,
 * merge records, audit payloads, import duplicates, invitations, idempotent replays).
 */
export function registerPiiMask(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const ctx = request.ctx;
    if (!ctx || ctx.actor.permissions.has('members.pii')) return payload;
    return maskPhones(payload);
  });
}
