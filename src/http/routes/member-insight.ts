import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  MemberMarketing,
  memberMarketing,
  memberTimeline,
  TimelineEvent,
} from '../../core/members/member-timeline.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';

const tags = ['members'];

/** The member 360° (会员画像): one timeline of everything, and the marketing view of the member. */
export const memberInsightRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/members/:id/timeline',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Everything that happened to a member, newest first (keyset page)',
        params: IdParams,
        querystring: Type.Object(
          {
            cursor: Type.Optional(Type.String({ maxLength: 300 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(TimelineEvent), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) => memberTimeline(app.db, request.ctx, request.params.id, request.query),
  );

  app.get(
    '/members/:id/marketing',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'A member’s RFM scores, lifecycle stage and the campaigns that reached them',
        params: IdParams,
        response: { 200: MemberMarketing, 404: ErrorResponse },
      },
    },
    (request) => memberMarketing(app.db, request.ctx, request.params.id),
  );
};
