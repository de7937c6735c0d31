import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  DryRunBody,
  ImportErrorPage,
  ImportErrorsQuery,
  ImportJob,
} from '../../core/imports/import.schema.ts';
import type { ImportRunPayload } from '../../core/imports/import.service.ts';
import {
  exportImportErrors,
  getImportJob,
  importUpload,
  listImportErrors,
  listImportJobs,
  presentImportJob,
  requestCommit,
  requestDryRun,
} from '../../core/imports/import.service.ts';
import { discardUpload, type StoredUpload, saveUpload } from '../../core/imports/import-file.ts';
import type { Trx } from '../../db/database.ts';
import { enqueueImport } from '../../jobs/import.worker.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['imports'];

/**
 * The multipart body in order: the file is streamed to disk as it arrives (never buffered), the
 * optional `encoding` and `kind` fields may come before or after it.
 */
async function receiveUpload(request: FastifyRequest, dataDir: string) {
  let upload: StoredUpload | undefined;
  let encoding: string | undefined;
  let kind: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (upload) throw new DomainError('request.invalid', { field: 'file' });
        upload = await saveUpload(part.file, part.filename || 'upload', dataDir);
      } else if (part.fieldname === 'encoding') {
        encoding = String(part.value);
      } else if (part.fieldname === 'kind') {
        kind = String(part.value);
      }
    }
  } catch (e) {
    if (upload) await discardUpload(upload);
    throw e;
  }
  if (!upload) throw new DomainError('request.invalid', { field: 'file' });
  return { upload, encoding, kind };
}

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const enqueue = (trx: Trx, payload: ImportRunPayload) => enqueueImport(app.boss, trx, payload);

  app.post(
    '/imports',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary:
          'Upload a legacy member file or an order history file (CSV or XLSX, multipart `file`, optional `encoding`, `kind`: members (default) | orders)',
        consumes: ['multipart/form-data'],
        response: { 201: ImportJob, 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { upload, encoding, kind } = await receiveUpload(request, app.config.dataDir);
      const job = await importUpload(app.db, request.ctx, upload, encoding, kind);
      return reply.code(201).send(presentImportJob(job, request.ctx));
    },
  );

  app.get(
    '/imports',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary: 'Import jobs, newest first',
        response: { 200: Type.Array(ImportJob) },
      },
    },
    async (request) =>
      (await listImportJobs(app.db, request.ctx)).map((j) => presentImportJob(j, request.ctx)),
  );

  app.get(
    '/imports/:id',
    {
      config: { permission: 'imports.run' },
      schema: { tags, params: IdParams, response: { 200: ImportJob, 404: ErrorResponse } },
    },
    async (request) =>
      presentImportJob(await getImportJob(app.db, request.ctx, request.params.id), request.ctx),
  );

  app.post(
    '/imports/:id/dry-run',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary: 'Validate every row and report errors and duplicates; writes no member',
        params: IdParams,
        body: DryRunBody,
        response: { 202: ImportJob, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
      // the body is optional: no body means the suggested mapping
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const job = await inTransaction(app.db, (trx) =>
        requestDryRun(
          trx,
          request.ctx,
          request.params.id,
          request.body?.mapping,
          enqueue,
          request.body?.award,
        ),
      );
      return reply.code(202).send(presentImportJob(job, request.ctx));
    },
  );

  app.post(
    '/imports/:id/commit',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary: 'Commit a finished dry run (Idempotency-Key); runs in the background',
        params: IdParams,
        response: { 202: ImportJob, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 202, async (trx) =>
        presentImportJob(
          await requestCommit(trx, request.ctx, request.params.id, enqueue),
          request.ctx,
        ),
      ),
  );

  app.get(
    '/imports/:id/errors',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary: 'Every row error of a job with its line number (cursor pagination)',
        params: IdParams,
        querystring: ImportErrorsQuery,
        response: { 200: ImportErrorPage, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) => listImportErrors(app.db, request.ctx, request.params.id, request.query),
  );

  app.get(
    '/imports/:id/errors.csv',
    {
      config: { permission: 'imports.run' },
      schema: {
        tags,
        summary:
          'The bad rows as CSV (UTF-8 with BOM): 行号 (line), the original columns, 错误原因; formulas escaped',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const csv = await exportImportErrors(app.db, request.ctx, request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="import-${request.params.id}-errors.csv"`,
        )
        .send(csv);
    },
  );
};
