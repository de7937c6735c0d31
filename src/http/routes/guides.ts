import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AssignGuideBody,
  AssignStoreBody,
  CompleteTaskBody,
  CreateTasksBody,
  Guide,
  GuideReport,
  GuideReportQuery,
  GuideSettingBody,
  GuideTask,
  ListTasksQuery,
} from '../../core/guides/guide.schema.ts';
import {
  assignGuide,
  assignStoreGuide,
  guideOfMember,
  listGuides,
} from '../../core/guides/guide-assign.service.ts';
import {
  getGuideSetting,
  guideReport,
  putGuideSetting,
} from '../../core/guides/guide-report.service.ts';
import {
  cancelTask,
  completeTask,
  createTasks,
  listTasks,
} from '../../core/guides/guide-task.service.ts';
import { ErrorResponse, IdParams, Nullable, Page, Uuid } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['guides'];
const errors = {
  400: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
};
const Assigned = Type.Object({ assigned: Type.Integer() });

/**
 * Guides (导购): anyone who sees members works their own task list (members.read); handing out
 * members and tasks and seeing every guide's list takes guides.admin; the report reports.read.
 */
export const guideRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/guides',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Active staff who may guide members, with their members and open tasks',
        response: { 200: Type.Object({ items: Type.Array(Guide) }) },
      },
    },
    async (request) => ({ items: await listGuides(app.db, request.ctx) }),
  );

  app.post(
    '/guides/assignments',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Give the listed members a guide (staff_id null: no guide)',
        body: AssignGuideBody,
        response: { 200: Assigned, ...errors },
      },
    },
    (request) => inTransaction(app.db, (trx) => assignGuide(trx, request.ctx, request.body)),
  );

  app.post(
    '/guides/store-assignments',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Give every member of a home store a guide who works in that store',
        body: AssignStoreBody,
        response: { 200: Assigned, ...errors },
      },
    },
    (request) => inTransaction(app.db, (trx) => assignStoreGuide(trx, request.ctx, request.body)),
  );

  app.get(
    '/members/:id/guide',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'A member’s guide',
        params: IdParams,
        response: {
          200: Type.Object({
            guide: Nullable(
              Type.Object({ id: Uuid, display_name: Type.String(), store_id: Nullable(Uuid) }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ guide: await guideOfMember(app.db, request.ctx, request.params.id) }),
  );

  app.get(
    '/guide-tasks',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Guide tasks: the caller’s own, or any guide’s with guides.admin',
        description:
          'view: open (default, soonest due first), today (due on the local today), overdue ' +
          '(due before it), done (latest first). Without guides.admin a staff_id other than ' +
          'the caller’s is 403 guide.others_tasks.',
        querystring: ListTasksQuery,
        response: { 200: Page(GuideTask), ...errors },
      },
    },
    (request) => listTasks(app.db, request.ctx, request.query),
  );

  app.post(
    '/guide-tasks',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Tasks for the listed members (to staff_id, else each member’s guide)',
        description:
          'Members without a guide (when no staff_id is given) or not active are skipped and ' +
          'counted. Needs an Idempotency-Key: a retry creates nothing twice.',
        body: CreateTasksBody,
        response: {
          201: Type.Object({ created: Type.Integer(), skipped: Type.Integer() }),
          ...errors,
        },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) => createTasks(trx, request.ctx, request.body)),
  );

  app.post(
    '/guide-tasks/:id/done',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Mark an open task done with its outcome (one’s own; any with guides.admin)',
        params: IdParams,
        body: CompleteTaskBody,
        response: { 200: GuideTask, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        completeTask(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/guide-tasks/:id/cancel',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Cancel an open task',
        params: IdParams,
        response: { 200: GuideTask, ...errors },
      },
    },
    (request) => inTransaction(app.db, (trx) => cancelTask(trx, request.ctx, request.params.id)),
  );

  app.get(
    '/guides/setting',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'The attribution window of guide sales (7 days unless set)',
        response: { 200: GuideSettingBody },
      },
    },
    (request) => getGuideSetting(app.db, request.ctx),
  );

  app.put(
    '/guides/setting',
    {
      config: { permission: 'guides.admin' },
      schema: {
        tags,
        summary: 'Set the attribution window of guide sales',
        body: GuideSettingBody,
        response: { 200: GuideSettingBody, ...errors },
      },
    },
    (request) => inTransaction(app.db, (trx) => putGuideSetting(trx, request.ctx, request.body)),
  );

  app.get(
    '/reports/guides',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports', ...tags],
        summary: 'Per guide and per store: tasks, done rate, members reached, attributed sales',
        querystring: GuideReportQuery,
        response: { 200: GuideReport, ...errors },
      },
    },
    (request) => guideReport(app.db, request.ctx, request.query),
  );
};
