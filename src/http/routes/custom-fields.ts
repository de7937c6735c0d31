import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createCustomField, listCustomFields } from '../../core/members/custom-field.service.ts';
import { CustomField, CustomFieldBody } from '../../core/members/member.schema.ts';
import { inTransaction } from '../transaction.ts';

export const customFieldRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/custom-fields',
    {
      config: { permission: 'members.read' },
      schema: { tags: ['members'], response: { 200: Type.Array(CustomField) } },
    },
    (request) => listCustomFields(app.db, request.ctx),
  );
  app.post(
    '/custom-fields',
    {
      config: { permission: 'stores.admin' },
      schema: { tags: ['members'], body: CustomFieldBody, response: { 201: CustomField } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await inTransaction(app.db, (trx) => createCustomField(trx, request.ctx, request.body)),
        ),
  );
};
