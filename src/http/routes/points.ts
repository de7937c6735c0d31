import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Campaign,
  CampaignBody,
  EarnBody,
  EarnResult,
  GrantBody,
  LiabilityQuery,
  LiabilityReport,
  PointsMovement,
  PointsRules,
  PointsRulesBody,
  PointsStatement,
  SpendBody,
} from '../../core/points/points.schema.ts';
import {
  earnForOrder,
  grantBonus,
  grantPoints,
  spendMemberPoints,
} from '../../core/points/points.service.ts';
import { pointsLiability } from '../../core/points/points-liability.service.ts';
import {
  createCampaign,
  deleteCampaign,
  getPointsSetting,
  listCampaigns,
  updatePointsRules,
} from '../../core/points/points-setting.service.ts';
import { getPointsStatement } from '../../core/points/points-statement.service.ts';
import { ErrorResponse, IdParams, Nullable, Uuid } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['points'];
const errors = {
  400: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};

const BonusResult = Type.Object({
  member_id: Uuid,
  bonus: Type.String(),
  points: Type.Integer(),
  entry_id: Nullable(Uuid),
  balance: Type.Integer(),
  growth: Type.Integer(),
  tier_id: Nullable(Uuid),
});

export const pointsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/points/rules',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Earning rules per category, expiry policy, bonuses and grant ceilings',
        response: { 200: PointsRules },
      },
    },
    (request) => getPointsSetting(app.db, request.ctx),
  );

  app.put(
    '/points/rules',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary:
          'Change the given parts of the points rules (others stay); grant ceilings need merchant.admin',
        body: PointsRulesBody,
        response: { 200: PointsRules, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    (request) => inTransaction(app.db, (trx) => updatePointsRules(trx, request.ctx, request.body)),
  );

  app.get(
    '/points/campaigns',
    {
      config: { permission: 'members.read' },
      schema: { tags, response: { 200: Type.Array(Campaign) } },
    },
    (request) => listCampaigns(app.db, request.ctx),
  );

  app.post(
    '/points/campaigns',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'A points multiplier over local dates (inclusive), optionally for some categories',
        body: CampaignBody,
        response: { 201: Campaign, 400: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createCampaign(trx, request.ctx, request.body))),
  );

  app.delete(
    '/points/campaigns/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse } },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteCampaign(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/members/:id/points/earn',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Award points and growth for a paid order (once per order_ref); needs Idempotency-Key',
        params: IdParams,
        body: EarnBody,
        response: { 200: EarnResult, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        earnForOrder(trx, request.ctx, request.params.id, {
          ...request.body,
          paid_at: new Date(request.body.paid_at),
        }),
      ),
  );

  app.post(
    '/members/:id/points/grant',
    {
      config: { permission: 'points.grant' },
      schema: {
        tags,
        summary:
          'Grant points by hand with a reason; above the role’s ceiling per grant or per day only the owner may (422 with the ceiling); needs Idempotency-Key',
        params: IdParams,
        body: GrantBody,
        response: { 200: PointsMovement, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        grantPoints(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/members/:id/points/activation',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: 'The activation bonus (S4: +100), once per member; needs Idempotency-Key',
        params: IdParams,
        response: { 200: BonusResult, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        grantBonus(trx, request.ctx, request.params.id, 'activation'),
      ),
  );

  app.post(
    '/members/:id/points/profile-bonus',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'The profile-completion bonus (name, gender, birthday filled), once per member; needs Idempotency-Key',
        params: IdParams,
        response: { 200: BonusResult, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        grantBonus(trx, request.ctx, request.params.id, 'profile_bonus'),
      ),
  );

  app.post(
    '/members/:id/points/spend',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Spend points, soonest-expiring first; more than available is 409 points.insufficient with params.available; needs Idempotency-Key',
        params: IdParams,
        body: SpendBody,
        response: { 200: PointsMovement, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        spendMemberPoints(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/members/:id/points',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Points statement: balance, available, lots with expiry, latest entries',
        params: IdParams,
        response: { 200: PointsStatement, 404: ErrorResponse },
      },
    },
    (request) => getPointsStatement(app.db, request.ctx, request.params.id),
  );

  app.get(
    '/reports/points-liability',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary:
          'Points issued, spent, expired and outstanding per home store and local month of [from, to]',
        querystring: LiabilityQuery,
        response: { 200: LiabilityReport, 400: ErrorResponse },
      },
    },
    (request) => pointsLiability(app.db, request.ctx, request.query),
  );
};
