import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  GrowthBody,
  GrowthResult,
  MemberTierStatus,
  RightUse,
  Tier,
  TierBody,
  TierPatch,
  TierSetting,
  TierSettingBody,
} from '../../core/tiers/tier.schema.ts';
import {
  createTier,
  deleteTier,
  getTierSetting,
  listTiers,
  updateTier,
  updateTierSetting,
} from '../../core/tiers/tier.service.ts';
import {
  getMemberTierStatus,
  grantGrowth,
  useTierRight,
} from '../../core/tiers/tier-member.service.ts';
import { ErrorResponse, IdParams, Uuid } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['tiers'];

export const tierRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tiers/settings',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Tier basis, growth rate and review period',
        response: { 200: TierSetting },
      },
    },
    (request) => getTierSetting(app.db, request.ctx),
  );

  app.put(
    '/tiers/settings',
    {
      config: { permission: 'loyalty.admin' },
      schema: { tags, body: TierSettingBody, response: { 200: TierSetting, 400: ErrorResponse } },
    },
    (request) => inTransaction(app.db, (trx) => updateTierSetting(trx, request.ctx, request.body)),
  );

  app.get(
    '/tiers',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Tiers, lowest threshold first',
        response: { 200: Type.Array(Tier) },
      },
    },
    (request) => listTiers(app.db, request.ctx),
  );

  app.post(
    '/tiers',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        body: TierBody,
        response: { 201: Tier, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createTier(trx, request.ctx, request.body))),
  );

  app.patch(
    '/tiers/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        params: IdParams,
        body: TierPatch,
        response: { 200: Tier, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateTier(trx, request.ctx, request.params.id, request.body)),
  );

  app.delete(
    '/tiers/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Delete a tier nobody holds or held',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteTier(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/members/:id/tier',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Tier, qualifying value, progress, service rights this month and tier history',
        params: IdParams,
        response: { 200: MemberTierStatus, 404: ErrorResponse },
      },
    },
    (request) => getMemberTierStatus(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/members/:id/growth',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary:
          'Growth for an action, with its reason (may upgrade at once); needs Idempotency-Key',
        params: IdParams,
        body: GrowthBody,
        response: { 200: GrowthResult, 404: ErrorResponse },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        grantGrowth(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/members/:id/rights/:code/use',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Use a tier service right once (counted per local month; beyond its count 409); needs Idempotency-Key',
        params: Type.Object({ id: Uuid, code: Type.String({ maxLength: 40 }) }),
        response: { 201: RightUse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        useTierRight(trx, request.ctx, request.params.id, request.params.code),
      ),
  );
};
