import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Ctx } from '../../core/context.ts';
import {
  addTagTo,
  getManualTag,
  listedMembers,
  listMemberTags,
  listTagHistory,
  removeTagFrom,
} from '../../core/tags/member-tag.service.ts';
import {
  BulkMembersBody,
  BulkResponse,
  CreateTagBody,
  HistoryQuery,
  MemberTagResponse,
  MemberTagsBody,
  TagGroupBody,
  TagGroupPatch,
  TagGroupResponse,
  TagHistoryResponse,
  TagPatch,
  TagResponse,
} from '../../core/tags/tag.schema.ts';
import {
  createTag,
  createTagGroup,
  deleteTagGroup,
  getTag,
  listTagGroups,
  listTags,
  updateTag,
  updateTagGroup,
} from '../../core/tags/tag.service.ts';
import {
  refreshRuleTag,
  refreshRuleTags,
  tagMembersMatching,
} from '../../core/tags/tag-refresh.service.ts';
import { getOwnRow } from '../../core/tenant-row.ts';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['tags'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const MemberTagParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tag_id: Type.String({ format: 'uuid' }),
});
const RefreshResponse = Type.Object({
  tag_id: Type.String(),
  added: Type.Integer(),
  removed: Type.Integer(),
});

/** The tag is loaded first (another merchant's is a 404 whatever the body says). */
async function bulk(
  trx: Trx,
  ctx: Ctx,
  tagId: string,
  body: BulkMembersBody,
  change: 'add' | 'remove',
) {
  await getManualTag(trx, ctx, tagId);
  if ((body.member_ids === undefined) === (body.rule === undefined))
    throw new DomainError('tag.members_or_rule', { field: 'member_ids' });
  if (body.rule) return tagMembersMatching(trx, ctx, tagId, body.rule, change);
  const members = await listedMembers(trx, ctx, body.member_ids ?? []);
  return change === 'add'
    ? addTagTo(trx, ctx, tagId, 'manual', members)
    : removeTagFrom(trx, ctx, tagId, 'manual', members);
}

export const tagRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tag-groups',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Tag groups with their colours',
        response: { 200: Type.Array(TagGroupResponse) },
      },
    },
    (request) => listTagGroups(app.db, request.ctx),
  );

  app.post(
    '/tag-groups',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Create a tag group with a colour',
        body: TagGroupBody,
        response: { 201: TagGroupResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createTagGroup(trx, request.ctx, request.body))),
  );

  app.patch(
    '/tag-groups/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Rename, recolour or reorder a tag group',
        params: IdParams,
        body: TagGroupPatch,
        response: { 200: TagGroupResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateTagGroup(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.delete(
    '/tag-groups/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Delete a tag group; its tags stay, ungrouped',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteTagGroup(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/tags',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Every tag with its member count',
        response: { 200: Type.Array(TagResponse) },
      },
    },
    (request) => listTags(app.db, request.ctx),
  );

  app.post(
    '/tags',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary:
          'Create a manual, rule (a segment rule, refreshed nightly and on demand) or interaction tag',
        body: CreateTagBody,
        response: { 201: TagResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createTag(trx, request.ctx, request.body))),
  );

  app.get(
    '/tags/:id',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'One tag',
        params: IdParams,
        response: { 200: TagResponse, 404: ErrorResponse },
      },
    },
    (request) => getTag(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/tags/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: "Rename, regroup, deactivate a tag or change a rule tag's rule",
        params: IdParams,
        body: TagPatch,
        response: { 200: TagResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateTag(trx, request.ctx, request.params.id, request.body)),
  );

  app.post(
    '/tags/:id/members',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary:
          'Bulk add a manual tag to listed members or to every member a segment rule matches',
        params: IdParams,
        body: BulkMembersBody,
        response: { 200: BulkResponse, ...errors },
      },
    },
    async (request) => ({
      changed: await inTransaction(app.db, (trx) =>
        bulk(trx, request.ctx, request.params.id, request.body, 'add'),
      ),
    }),
  );

  app.post(
    '/tags/:id/members/remove',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary:
          'Bulk remove a manual tag from listed members or from every member a segment rule matches',
        params: IdParams,
        body: BulkMembersBody,
        response: { 200: BulkResponse, ...errors },
      },
    },
    async (request) => ({
      changed: await inTransaction(app.db, (trx) =>
        bulk(trx, request.ctx, request.params.id, request.body, 'remove'),
      ),
    }),
  );

  app.post(
    '/tags/:id/refresh',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Refresh a rule tag now: add the members its rule matches, remove the others',
        params: IdParams,
        response: { 200: RefreshResponse, ...errors },
      },
    },
    (request) => refreshRuleTag(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/tags/refresh',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Refresh every active rule tag now (also done nightly)',
        response: { 200: Type.Array(RefreshResponse) },
      },
    },
    (request) => refreshRuleTags(app.db, request.ctx),
  );

  app.get(
    '/tags/:id/history',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: "A tag's history: who got or lost it, when and why, newest first",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: Type.Array(TagHistoryResponse), 404: ErrorResponse },
      },
    },
    (request) => listTagHistory(app.db, request.ctx, { tagId: request.params.id }, request.query),
  );

  app.get(
    '/members/:id/tags',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'The tags a member holds, with their group colour',
        params: IdParams,
        response: { 200: Type.Array(MemberTagResponse), 404: ErrorResponse },
      },
    },
    (request) => listMemberTags(app.db, request.ctx, request.params.id),
  );

  app.get(
    '/members/:id/tag-history',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: "A member's tag history, newest first",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: Type.Array(TagHistoryResponse), 404: ErrorResponse },
      },
    },
    (request) =>
      listTagHistory(app.db, request.ctx, { memberId: request.params.id }, request.query),
  );

  app.post(
    '/members/:id/tags',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        summary: 'Give a member manual tags (a tag already held is left as is)',
        params: IdParams,
        body: MemberTagsBody,
        response: { 200: Type.Array(MemberTagResponse), ...errors },
      },
    },
    async (request) => {
      const { ctx } = request;
      await inTransaction(app.db, async (trx) => {
        const members = await memberSet(trx, ctx, request.params.id);
        for (const tagId of request.body.tag_ids) {
          await getManualTag(trx, ctx, tagId, 'tag_ids');
          await addTagTo(trx, ctx, tagId, 'manual', members);
        }
      });
      return listMemberTags(app.db, ctx, request.params.id);
    },
  );

  app.delete(
    '/members/:id/tags/:tag_id',
    {
      config: { permission: 'members.write' },
      schema: {
        tags,
        summary: 'Take a manual tag from a member',
        params: MemberTagParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { ctx } = request;
      await inTransaction(app.db, async (trx) => {
        const members = await memberSet(trx, ctx, request.params.id);
        await getManualTag(trx, ctx, request.params.tag_id);
        await removeTagFrom(trx, ctx, request.params.tag_id, 'manual', members);
      });
      return reply.code(204).send(null);
    },
  );
};

async function memberSet(trx: Trx, ctx: Ctx, memberId: string) {
  await getOwnRow(trx, ctx, 'member', memberId, 'member.not_found');
  return listedMembers(trx, ctx, [memberId]);
}
