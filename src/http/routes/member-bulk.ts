import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  BulkCouponBody,
  BulkTagBody,
  BulkTaskBody,
  bulkCoupons,
  bulkTag,
  bulkTasks,
} from '../../core/members/member-bulk.service.ts';
import { ErrorResponse } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['members'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const description =
  'For `member_ids` (a selection) or `filter` (everyone the member list shows for it, at most ' +
  '50,000), exactly one of them. Only active members are reached.';

/** The member list's bulk actions for marketers; the export is GET /members/export. */
export const memberBulkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/members/bulk/tags',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Add a manual tag to the selected members',
        description,
        body: BulkTagBody,
        response: {
          200: Type.Object({ members: Type.Integer(), added: Type.Integer() }),
          ...errors,
        },
      },
    },
    (request) => inTransaction(app.db, (trx) => bulkTag(trx, request.ctx, request.body)),
  );

  app.post(
    '/members/bulk/coupons',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Push one coupon of a template to each selected member; needs Idempotency-Key',
        description: `${description} Stock and the per-member limit hold; who got none is counted.`,
        body: BulkCouponBody,
        response: {
          201: Type.Object({
            members: Type.Integer(),
            issued: Type.Integer(),
            over_limit: Type.Integer(),
            out_of_stock: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) => bulkCoupons(trx, request.ctx, request.body)),
  );

  app.post(
    '/members/bulk/guide-tasks',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'A guide task for each selected member (to staff_id, else the member’s guide)',
        description: `${description} Needs Idempotency-Key; members without a guide are skipped.`,
        body: BulkTaskBody,
        response: {
          201: Type.Object({
            members: Type.Integer(),
            created: Type.Integer(),
            skipped: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) => bulkTasks(trx, request.ctx, request.body)),
  );
};
