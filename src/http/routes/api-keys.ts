import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../../core/tenancy/api-key.service.ts';
import { apiKeyScopes } from '../../core/tenancy/permissions.ts';
import { ApiKey } from '../../core/tenancy/tenancy.schema.ts';
import { Body, IdParams } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const Scope = Type.Union(apiKeyScopes.map((s) => Type.Literal(s)));

export const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api-keys',
    {
      config: { permission: 'api_keys.admin' },
      schema: { tags: ['api keys'], response: { 200: Type.Array(ApiKey) } },
    },
    (request) => listApiKeys(app.db, request.ctx),
  );
  app.post(
    '/api-keys',
    {
      config: { permission: 'api_keys.admin' },
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key; the key itself is in this response only',
        body: Body({
          name: Type.String({ minLength: 1, maxLength: 64 }),
          scopes: Type.Array(Scope, { minItems: 1, maxItems: apiKeyScopes.length }),
        }),
        response: { 201: Type.Object({ key: Type.String(), api_key: ApiKey }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createApiKey(trx, request.ctx, request.body))),
  );
  app.post(
    '/api-keys/:id/revoke',
    {
      config: { permission: 'api_keys.admin' },
      schema: { tags: ['api keys'], params: IdParams, response: { 200: ApiKey } },
    },
    (request) => inTransaction(app.db, (trx) => revokeApiKey(trx, request.ctx, request.params.id)),
  );
};
