import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CancelBody,
  PickupBody,
  RedeemBody,
  Redemption,
  RedemptionListQuery,
  Reward,
  RewardBody,
  RewardListQuery,
  RewardPatch,
} from '../../core/mall/mall.schema.ts';
import {
  createReward,
  getReward,
  listRewards,
  updateReward,
} from '../../core/mall/mall.service.ts';
import {
  cancelRedemption,
  listRedemptions,
  pickUpRedemption,
  redeemReward,
} from '../../core/mall/mall-redeem.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['points mall'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export const mallRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/mall/rewards',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'The points mall catalogue, cheapest first',
        querystring: RewardListQuery,
        response: { 200: Type.Array(Reward) },
      },
    },
    (request) => listRewards(app.db, request.ctx, request.query),
  );

  app.get(
    '/mall/rewards/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: Reward, 404: ErrorResponse } },
    },
    (request) => getReward(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/mall/rewards',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Add a reward (goods or service; coupon rewards arrive with the coupons module)',
        body: RewardBody,
        response: { 201: Reward, 400: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createReward(trx, request.ctx, request.body))),
  );

  app.patch(
    '/mall/rewards/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: { tags, params: IdParams, body: RewardPatch, response: { 200: Reward, ...errors } },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateReward(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/mall/rewards/:id/redeem',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Redeem a reward for a member’s points, exactly once per unit of stock; needs Idempotency-Key',
        params: IdParams,
        body: RedeemBody,
        response: { 201: Redemption, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        redeemReward(trx, request.ctx, request.params.id, request.body.member_id),
      ),
  );

  app.get(
    '/mall/redemptions',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        querystring: RedemptionListQuery,
        response: { 200: Page(Redemption), 400: ErrorResponse },
      },
    },
    (request) => listRedemptions(app.db, request.ctx, request.query),
  );

  app.post(
    '/mall/redemptions/:id/cancel',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Cancel or refund a redemption: points back to their lots, unit back to stock, once; needs Idempotency-Key',
        params: IdParams,
        body: CancelBody,
        response: { 200: Redemption, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        cancelRedemption(trx, request.ctx, request.params.id, request.body.reason),
      ),
  );

  app.post(
    '/mall/pickup',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: 'Hand over a redeemed reward against its pickup code (works once)',
        body: PickupBody,
        response: { 200: Redemption, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => pickUpRedemption(trx, request.ctx, request.body.pickup_code)),
  );
};
