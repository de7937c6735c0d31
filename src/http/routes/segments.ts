import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { validateSegmentRule } from '../../core/segments/segment.rules.ts';
import {
  CreateSegmentBody,
  PreviewBody,
  PreviewResponse,
  SegmentMember,
  SegmentMembersQuery,
  SegmentView,
  UpdateSegmentBody,
} from '../../core/segments/segment.schema.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentMembers,
  listSegments,
  previewSegment,
  updateSegment,
} from '../../core/segments/segment.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['segments'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

/**
 * A body the schema refused because of its rule gets the rule's own error, naming the node
 * (`rule.rules[1].days`, `segment.window_out_of_range`), rather than the schema's first
 * complaint about a union; anything else stays `request.invalid`.
 */
async function ruleErrorsFirst(request: FastifyRequest) {
  if (!request.validationError) return;
  const body = request.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && 'rule' in body) validateSegmentRule(body.rule);
  throw request.validationError;
}
const withRule = { attachValidation: true, preHandler: ruleErrorsFirst };

export const segmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/segments/preview',
    {
      ...withRule,
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Count a rule now, with a sample of members and its sentence',
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errors },
      },
    },
    (request) => previewSegment(app.db, request.ctx, request.body.rule),
  );

  app.get(
    '/segments',
    {
      config: { permission: 'members.read' },
      schema: { tags, summary: 'Saved segments', response: { 200: Type.Array(SegmentView) } },
    },
    (request) => listSegments(app.db, request.ctx),
  );

  app.post(
    '/segments',
    {
      ...withRule,
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Save a segment',
        body: CreateSegmentBody,
        response: { 201: SegmentView, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createSegment(trx, request.ctx, request.body))),
  );

  app.get(
    '/segments/:id',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'A saved segment with its sentence',
        params: IdParams,
        response: { 200: SegmentView, 404: ErrorResponse },
      },
    },
    (request) => getSegment(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/segments/:id',
    {
      ...withRule,
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Rename a segment or change its rule',
        params: IdParams,
        body: UpdateSegmentBody,
        response: { 200: SegmentView, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateSegment(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.delete(
    '/segments/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Delete a saved segment',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteSegment(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/segments/:id/members',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'The members of a saved segment now, by member id',
        params: IdParams,
        querystring: SegmentMembersQuery,
        response: { 200: Page(SegmentMember), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) =>
      listSegmentMembers(app.db, request.ctx, request.params.id, {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      }),
  );
};
