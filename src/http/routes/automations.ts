import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AutomationBody,
  AutomationPatch,
  AutomationResponse,
  HolidayBody,
  HolidayPatch,
  HolidayQuery,
  HolidayResponse,
  HolidaySeedBody,
  RunQuery,
  RunResponse,
} from '../../core/automation/automation.schema.ts';
import {
  createAutomation,
  getAutomation,
  listAutomations,
  presentAutomation,
  setAutomationStatus,
  updateAutomation,
} from '../../core/automation/automation.service.ts';
import { listRuns } from '../../core/automation/automation-log.service.ts';
import {
  addHoliday,
  deleteHoliday,
  listHolidays,
  seedHolidays,
  updateHoliday,
} from '../../core/automation/holiday.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

// Automations (自动化营销) and the holiday calendar their holiday trigger reads. The runs are
// made by the sweep (src/jobs/automation.job.ts); these routes define, pause and inspect them.
const tags = ['automation'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const permission = 'automation.admin' as const;

export const automationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/automations',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Create an automation: trigger → delay → condition (a segment rule) → actions; active from now on',
        body: AutomationBody,
        response: { 201: AutomationResponse, ...errors },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(app.db, (trx) =>
        createAutomation(trx, request.ctx, request.body),
      );
      return reply.code(201).send(presentAutomation(row));
    },
  );

  app.get(
    '/automations',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The automations, newest first, with their run counts',
        response: { 200: Type.Object({ items: Type.Array(AutomationResponse) }) },
      },
    },
    async (request) => ({ items: await listAutomations(app.db, request.ctx) }),
  );

  app.get(
    '/automations/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'One automation with its run counts',
        params: IdParams,
        response: { 200: AutomationResponse, 404: ErrorResponse },
      },
    },
    (request) => getAutomation(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/automations/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Edit an automation; the change applies to occurrences planned from now on',
        params: IdParams,
        body: AutomationPatch,
        response: { 200: AutomationResponse, ...errors },
      },
    },
    async (request) => {
      await inTransaction(app.db, (trx) =>
        updateAutomation(trx, request.ctx, request.params.id, request.body),
      );
      return getAutomation(app.db, request.ctx, request.params.id);
    },
  );

  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    app.post(
      `/automations/:id/${action}`,
      {
        config: { permission },
        schema: {
          tags,
          summary:
            action === 'pause'
              ? 'Pause: nothing is sent until resumed'
              : 'Resume from now on: what fell due during the pause is not sent late',
          params: IdParams,
          response: { 200: AutomationResponse, 404: ErrorResponse },
        },
      },
      async (request) => {
        await inTransaction(app.db, (trx) =>
          setAutomationStatus(trx, request.ctx, request.params.id, status),
        );
        return getAutomation(app.db, request.ctx, request.params.id);
      },
    );

  app.get(
    '/automations/:id/runs',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'The run log, newest first: member, occurrence, outcome (outcome=reached: the members reached)',
        params: IdParams,
        querystring: RunQuery,
        response: { 200: Page(RunResponse), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) => listRuns(app.db, request.ctx, request.params.id, request.query),
  );

  app.get(
    '/holidays',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The holiday calendar (of a year), by date',
        querystring: HolidayQuery,
        response: { 200: Type.Object({ items: Type.Array(HolidayResponse) }), 400: ErrorResponse },
      },
    },
    async (request) => ({ items: await listHolidays(app.db, request.ctx, request.query.year) }),
  );

  app.post(
    '/holidays',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Add a day to the holiday calendar',
        body: HolidayBody,
        response: { 201: HolidayResponse, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => addHoliday(trx, request.ctx, request.body))),
  );

  app.post(
    '/holidays/seed',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Suggest the Chinese public holidays of a year (2026, 2027); days already entered are kept',
        body: HolidaySeedBody,
        response: { 200: Type.Object({ added: Type.Integer() }), 400: ErrorResponse },
      },
    },
    async (request) => ({
      added: await inTransaction(app.db, (trx) =>
        seedHolidays(trx, request.ctx, request.body.year),
      ),
    }),
  );

  app.patch(
    '/holidays/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Move or rename a holiday',
        params: IdParams,
        body: HolidayPatch,
        response: { 200: HolidayResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateHoliday(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.delete(
    '/holidays/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Remove a holiday',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteHoliday(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );
};
