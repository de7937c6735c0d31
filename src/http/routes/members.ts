import { rm } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { AuditEntry } from '../../core/audit/audit.schema.ts';
import { listAudit } from '../../core/audit/audit.service.ts';
import type { Ctx } from '../../core/context.ts';
import { LedgerEntry } from '../../core/ledger/ledger.schema.ts';
import { listEntries } from '../../core/ledger/ledger.service.ts';
import {
  IdentityBody,
  ListMembersQuery,
  LookupQuery,
  Member,
  MemberCode,
  MemberDetail,
  MemberPage,
  MergeBody,
  MergeRecord,
  RegisterMemberBody,
  UpdateMemberBody,
} from '../../core/members/member.schema.ts';
import {
  getMemberDetail,
  getMemberRow,
  linkIdentity,
  registerMember,
  unlinkIdentity,
  updateMember,
} from '../../core/members/member.service.ts';
import { signMemberCode } from '../../core/members/member-code.ts';
import { eraseMember } from '../../core/members/member-erase.service.ts';
import { exportMembers } from '../../core/members/member-export.service.ts';
import { mergeMembers } from '../../core/members/member-merge.service.ts';
import { listMembers, lookupMember } from '../../core/members/member-query.service.ts';
import { getBalancesNow } from '../../core/wallet/balances-now.service.ts';
import { ErrorResponse, IdParams, Page, Timestamp, Uuid } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const pii = (ctx: Ctx) => ctx.actor.permissions.has('members.pii');
const tags = ['members'];

export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/members',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        summary: 'Register a member by phone',
        body: RegisterMemberBody,
        response: { 201: Member, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const member = await inTransaction(app.db, (trx) =>
        registerMember(trx, request.ctx, request.body),
      );
      return reply.code(201).send(member);
    },
  );

  app.get(
    '/members',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'List and search members (cursor pagination)',
        querystring: ListMembersQuery,
        response: { 200: MemberPage },
      },
    },
    async (request) => {
      const page = await listMembers(app.db, request.ctx, request.query, app.config.secret);
      return page;
    },
  );

  app.get(
    '/members/lookup',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Find one member by phone, card number, channel identity or dynamic member code',
        querystring: LookupQuery,
        response: { 200: Member, 404: ErrorResponse },
      },
    },
    (request) => lookupMember(app.db, request.ctx, request.query, app.config.secret),
  );

  app.get(
    '/members/export',
    {
      config: { permission: 'members.export' },
      schema: {
        tags,
        summary:
          'Export members as CSV (UTF-8 with BOM) or XLSX; phones are masked without members.pii',
        querystring: Type.Intersect([
          Type.Object({
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
          }),
          Type.Omit(ListMembersQuery, ['cursor', 'limit']),
        ]),
      },
    },
    async (request, reply) => {
      const { format = 'csv', ...filter } = request.query;
      const type =
        format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      return reply
        .header('content-type', type)
        .header('content-disposition', `attachment; filename="members.${format}"`)
        .send(exportMembers(app.db, request.ctx, format, filter, pii(request.ctx)));
    },
  );

  app.get(
    '/members/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: MemberDetail, 404: ErrorResponse } },
    },
    async (request) => {
      const detail = await getMemberDetail(app.db, request.ctx, request.params.id);
      // what can be spent at this instant: expired lots and bonus parts count as gone even
      // before the sweeps post it
      return { ...detail, balances: await getBalancesNow(app.db, request.ctx, request.params.id) };
    },
  );

  app.patch(
    '/members/:id',
    {
      config: { permission: 'members.write' },
      schema: { tags, params: IdParams, body: UpdateMemberBody, response: { 200: Member } },
    },
    async (request) => {
      return inTransaction(app.db, (trx) =>
        updateMember(trx, request.ctx, request.params.id, request.body),
      );
    },
  );

  app.post(
    '/members/:id/identities',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        summary: 'Link a channel identity',
        params: IdParams,
        body: IdentityBody,
        response: {
          201: Type.Object({
            id: Uuid,
            kind: Type.String(),
            value: Type.String(),
            created_at: Timestamp,
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await inTransaction(app.db, (trx) =>
            linkIdentity(trx, request.ctx, request.params.id, request.body),
          ),
        ),
  );

  app.delete(
    '/members/:id/identities/:identityId',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        params: Type.Object({ id: Uuid, identityId: Uuid }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) =>
        unlinkIdentity(trx, request.ctx, request.params.id, request.params.identityId),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/members/:id/code',
    {
      config: { permission: 'members.code' },
      schema: {
        tags,
        summary:
          "Mint a dynamic member code (valid 60 s, pays once) and its QR image: the member's own channel only (scope members.code, held by no staff role)",
        params: IdParams,
        response: { 200: MemberCode },
      },
    },
    async (request) => {
      const member = await getMemberRow(app.db, request.ctx, request.params.id);
      const signed = signMemberCode(
        member.id,
        request.ctx.merchantId,
        request.ctx.now,
        app.config.secret,
      );
      return { ...signed, qr_svg: await QRCode.toString(signed.code, { type: 'svg', margin: 1 }) };
    },
  );

  app.post(
    '/members/merge',
    {
      config: { permission: 'members.merge' },
      schema: {
        tags,
        summary:
          'Merge two members (identities, balances and history move to the survivor); needs Idempotency-Key',
        body: MergeBody,
        response: { 200: MergeRecord, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        mergeMembers(trx, request.ctx, request.body.survivor_id, request.body.merged_id),
      ),
  );

  app.post(
    '/members/:id/erase',
    {
      config: { permission: 'members.erase' },
      schema: {
        tags,
        summary:
          'Erase personal data on the member’s request: the whole merge chain and every copy; ledgers stay, pseudonymous',
        params: IdParams,
        response: { 200: Member },
      },
    },
    async (request) => {
      const { member, discardFiles } = await inTransaction(app.db, (trx) =>
        eraseMember(trx, request.ctx, request.params.id, app.config.dataDir),
      );
      await Promise.all(discardFiles.map((path) => rm(path, { force: true })));
      return member;
    },
  );

  app.get(
    '/members/:id/ledger',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Ledger entries of a member and of the records merged into it',
        params: IdParams,
        querystring: Type.Object(
          {
            ledger: Type.Optional(
              Type.Union([
                Type.Literal('points'),
                Type.Literal('principal'),
                Type.Literal('bonus'),
              ]),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(LedgerEntry), 400: ErrorResponse },
      },
    },
    async (request) => {
      const { ctx } = request;
      await getMemberRow(app.db, ctx, request.params.id);
      const merged = await app.db
        .selectFrom('member')
        .select('id')
        .where('merchant_id', '=', ctx.merchantId)
        .where('merged_into_id', '=', request.params.id)
        .execute();
      const ids = [request.params.id, ...merged.map((m) => m.id)];
      return listEntries(app.db, ctx, ids, {
        ledger: request.query.ledger,
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      });
    },
  );

  app.get(
    '/members/:id/audit',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Audit trail of a member',
        params: IdParams,
        response: { 200: Type.Array(AuditEntry) },
      },
    },
    async (request) => {
      await getMemberRow(app.db, request.ctx, request.params.id);
      return listAudit(app.db, request.ctx, {
        entityType: 'member',
        entityId: request.params.id,
        limit: 200,
      });
    },
  );
};
