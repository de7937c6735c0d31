import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TodayFigures } from '../../core/reports/report.schema.ts';
import { todayFigures } from '../../core/reports/today.service.ts';

export const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reports/today',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: ['reports'],
        summary:
          "Today in the merchant's time zone: new members, recharges, balance payments, points issued",
        response: { 200: TodayFigures },
      },
    },
    (request) => todayFigures(app.db, request.ctx),
  );
};
