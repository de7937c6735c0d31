import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  PrivacyDecideBody,
  PrivacyListQuery,
  PrivacyRequest,
} from '../../core/member-app/member-app.schema.ts';
import {
  decidePrivacyRequest,
  listPrivacyRequests,
} from '../../core/member-app/member-privacy.service.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['members'];

/** What members asked of their data on the member page, for the staff who erase (members.erase). */
export const memberPrivacyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/privacy-requests',
    {
      config: { permission: 'members.erase' },
      schema: {
        tags,
        summary: "Members' export and erasure requests from the member page, newest first",
        querystring: PrivacyListQuery,
        response: { 200: Type.Object({ items: Type.Array(PrivacyRequest) }) },
      },
    },
    async (request) => ({ items: await listPrivacyRequests(app.db, request.ctx, request.query) }),
  );

  app.post(
    '/privacy-requests/:id/decide',
    {
      config: { permission: 'members.erase' },
      schema: {
        tags,
        summary:
          'Close a request: done (the data was sent, or erased through the member erasure) or refused',
        params: IdParams,
        body: PrivacyDecideBody,
        response: { 200: PrivacyRequest, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        decidePrivacyRequest(trx, request.ctx, request.params.id, request.body.status),
      ),
  );
};
