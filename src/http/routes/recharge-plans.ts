import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  createRechargePlan,
  getRechargePlan,
  listRechargePlans,
  presentPlan,
  updateRechargePlan,
} from '../../core/wallet/recharge-plan.service.ts';
import {
  CreateRechargePlanBody,
  RechargePlan,
  UpdateRechargePlanBody,
} from '../../core/wallet/wallet.schema.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['wallet'];

export const rechargePlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/recharge-plans',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary:
          'A recharge plan: pay X get Y bonus at once or in monthly instalments, plus a coupon gift pack',
        body: CreateRechargePlanBody,
        response: { 201: RechargePlan, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const plan = await inTransaction(app.db, (trx) =>
        createRechargePlan(trx, request.ctx, request.body),
      );
      return reply.code(201).send(presentPlan(plan, request.ctx.locale));
    },
  );

  app.get(
    '/recharge-plans',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        querystring: Type.Object(
          { active: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(RechargePlan) },
      },
    },
    async (request) =>
      (await listRechargePlans(app.db, request.ctx, request.query)).map((p) =>
        presentPlan(p, request.ctx.locale),
      ),
  );

  app.get(
    '/recharge-plans/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: RechargePlan, 404: ErrorResponse } },
    },
    async (request) =>
      presentPlan(
        await getRechargePlan(app.db, request.ctx, request.params.id),
        request.ctx.locale,
      ),
  );

  app.patch(
    '/recharge-plans/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Rename or withdraw a plan (its numbers never change: make a new plan)',
        params: IdParams,
        body: UpdateRechargePlanBody,
        response: { 200: RechargePlan, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      presentPlan(
        await inTransaction(app.db, (trx) =>
          updateRechargePlan(trx, request.ctx, request.params.id, request.body),
        ),
        request.ctx.locale,
      ),
  );
};
