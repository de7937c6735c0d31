import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SettlementMonth as Month, SettlementRow } from '../../core/reports/settlement.schema.ts';
import { settlementCsvRows, settlementReport } from '../../core/reports/settlement.service.ts';
import { csvStream } from '../../lib/csv.ts';
import { ErrorResponse } from '../../lib/schema.ts';

export const settlementRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/settlement',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'Stored-value cross-store settlement: per sold store, spent store and local month',
        description:
          'Principal is attributed to the store that sold it first in, first out (docs/settlement.md); ' +
          'bonus is shown apart.',
        querystring: Month,
        response: { 200: Type.Array(SettlementRow), 400: ErrorResponse },
      },
    },
    (request) => settlementReport(app.db, request.ctx, request.query.month),
  );

  app.get(
    '/reports/settlement/export',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary: 'The settlement of a month as CSV (UTF-8 with BOM, amounts in yuan)',
        querystring: Month,
      },
    },
    async (request, reply) => {
      const rows = await settlementReport(app.db, request.ctx, request.query.month);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="settlement-${request.query.month}.csv"`,
        )
        .send(csvStream(settlementCsvRows(rows)));
    },
  );
};
