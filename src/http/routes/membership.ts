import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import { inviteAfterPayment, listInvitations } from '../../core/membership/invitation.service.ts';
import {
  CreateMembershipPlanBody,
  Invitation,
  InvitationBody,
  InvitationResult,
  MembershipPlan,
  MembershipStatus,
  PaidMembership,
  PurchaseBody,
  UpdateMembershipPlanBody,
} from '../../core/membership/membership.schema.ts';
import {
  getMembershipStatus,
  getPaidMembership,
  purchaseMembership,
  refundMembership,
} from '../../core/membership/membership.service.ts';
import type { MembershipInvitationRow } from '../../core/membership/membership.table.ts';
import {
  createMembershipPlan,
  getMembershipPlan,
  listMembershipPlans,
  presentMembershipPlan,
  updateMembershipPlan,
} from '../../core/membership/membership-plan.service.ts';
import { maskPhone } from '../../lib/phone.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['membership'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

const presentInvitation = (ctx: Ctx, i: MembershipInvitationRow) => ({
  ...i,
  phone: ctx.actor.permissions.has('members.pii') ? i.phone : (maskPhone(i.phone) ?? ''),
});

export const membershipRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/membership/plans',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'A paid membership plan (付费会员): fee, months, benefits, refund rule',
        body: CreateMembershipPlanBody,
        response: { 201: MembershipPlan, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const plan = await inTransaction(app.db, (trx) =>
        createMembershipPlan(trx, request.ctx, request.body),
      );
      return reply.code(201).send(presentMembershipPlan(plan, request.ctx.locale));
    },
  );

  app.get(
    '/membership/plans',
    {
      config: { permission: 'members.read' },
      schema: { tags, response: { 200: Type.Array(MembershipPlan) } },
    },
    async (request) =>
      (await listMembershipPlans(app.db, request.ctx)).map((p) =>
        presentMembershipPlan(p, request.ctx.locale),
      ),
  );

  app.patch(
    '/membership/plans/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateMembershipPlanBody,
        response: { 200: MembershipPlan, ...errors },
      },
    },
    async (request) =>
      presentMembershipPlan(
        await inTransaction(app.db, (trx) =>
          updateMembershipPlan(trx, request.ctx, request.params.id, request.body),
        ),
        request.ctx.locale,
      ),
  );

  app.get(
    '/membership/plans/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: MembershipPlan, 404: ErrorResponse } },
    },
    async (request) =>
      presentMembershipPlan(
        await getMembershipPlan(app.db, request.ctx, request.params.id),
        request.ctx.locale,
      ),
  );

  app.post(
    '/members/:id/membership',
    {
      config: { permission: 'wallet.recharge' },
      schema: {
        tags,
        summary: 'Buy or renew a paid membership, paid with tenders; needs Idempotency-Key',
        params: IdParams,
        body: PurchaseBody,
        response: { 201: PaidMembership, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        purchaseMembership(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/members/:id/membership',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: MembershipStatus, 404: ErrorResponse } },
    },
    (request) => getMembershipStatus(app.db, request.ctx, request.params.id),
  );

  app.get(
    '/paid-memberships/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: PaidMembership, 404: ErrorResponse } },
    },
    (request) => getPaidMembership(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/paid-memberships/:id/refund',
    {
      config: { permission: 'wallet.refund' },
      schema: {
        tags,
        summary: 'Refund by the plan’s rule (full within N days, else none); needs Idempotency-Key',
        params: IdParams,
        response: { 200: PaidMembership, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        refundMembership(trx, request.ctx, request.params.id),
      ),
  );

  app.post(
    '/membership/invitations',
    {
      config: { permission: 'wallet.recharge' },
      schema: {
        tags,
        summary:
          'Pay to become member (支付即会员): a non-member who paid at least the minimum gets a card invitation',
        body: InvitationBody,
        response: { 200: InvitationResult, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const result = await inTransaction(app.db, (trx) =>
        inviteAfterPayment(trx, request.ctx, request.body),
      );
      return {
        ...result,
        invitation: result.invitation && presentInvitation(request.ctx, result.invitation),
      };
    },
  );

  app.get(
    '/membership/invitations',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Invitation) },
      },
    },
    async (request) =>
      (await listInvitations(app.db, request.ctx, request.query.limit ?? 50)).map((i) =>
        presentInvitation(request.ctx, i),
      ),
  );
};
