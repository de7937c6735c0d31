import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { CouponTemplateBody, TemplatePatchBody } from '../../core/coupons/coupon.schema.ts';
import {
  createTemplate,
  listMemberCoupons,
  listTemplates,
  patchTemplate,
  templateOf,
  voidCoupon,
} from '../../core/coupons/coupon.service.ts';
import type { CouponTemplateRow } from '../../core/coupons/coupon.table.ts';
import {
  ClaimBody,
  ClaimResponse,
  CouponQrResponse,
  CouponResponse,
  CouponSettingBody,
  IssueBody,
  MemberCouponsQuery,
  RedeemByCodeBody,
  TemplateResponse,
} from '../../core/coupons/coupon-api.schema.ts';
import { claimCoupon, grantCoupon } from '../../core/coupons/coupon-grant.service.ts';
import {
  CouponExportQuery,
  CouponListItem,
  CouponListQuery,
} from '../../core/coupons/coupon-list.schema.ts';
import {
  couponCsvRows,
  listCoupons,
  presentCoupon,
} from '../../core/coupons/coupon-list.service.ts';
import { getCouponSetting, putCouponSetting } from '../../core/coupons/coupon-pack.service.ts';
import { redeemCouponByCode } from '../../core/coupons/coupon-redeem.service.ts';
import { getOwnRow } from '../../core/tenant-row.ts';
import { csvStream } from '../../lib/csv.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['coupons'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const asResponse = (row: CouponTemplateRow) => ({
  ...templateOf(row),
  issued: row.issued,
  member_claimable: row.member_claimable,
});

export const couponRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/coupon-templates',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary:
          'Define a coupon (满减, 代金券, 折扣券, 兑换券, 次卡): benefit, validity, scope, stock',
        body: CouponTemplateBody,
        response: { 201: TemplateResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(app.db, (trx) =>
        createTemplate(trx, request.ctx, request.body),
      );
      return reply.code(201).send(asResponse(row));
    },
  );

  app.get(
    '/coupon-templates',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'The coupon templates, newest first',
        response: { 200: Type.Array(TemplateResponse) },
      },
    },
    async (request) => (await listTemplates(app.db, request.ctx)).map(asResponse),
  );

  app.patch(
    '/coupon-templates/:id',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: "Change a template's settings: whether members claim it on the member page",
        params: IdParams,
        body: TemplatePatchBody,
        response: { 200: TemplateResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      asResponse(
        await inTransaction(app.db, (trx) =>
          patchTemplate(trx, request.ctx, request.params.id, request.body),
        ),
      ),
  );

  app.get(
    '/coupons',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary:
          'The issued coupons (券记录), newest first, by template, status, member, code, store of redemption and issued days; codes whole only for loyalty.operate',
        querystring: CouponListQuery,
        response: { 200: Page(CouponListItem), 400: ErrorResponse },
      },
    },
    (request) => listCoupons(app.db, request.ctx, request.query),
  );

  app.get(
    '/coupons/export',
    {
      config: { permission: 'members.export' },
      schema: {
        tags,
        summary:
          'The issued coupons of the same filters as CSV (UTF-8 with BOM, formulas escaped); phones and codes masked as in the list',
        querystring: CouponExportQuery,
      },
    },
    async (request, reply) => {
      const { format: _format, ...filter } = request.query;
      // the first page is read before the response starts, so a bad filter is still a 400
      const rows = couponCsvRows(app.db, request.ctx, filter);
      const first = await rows.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* rows;
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="coupons.csv"')
        .send(csvStream(all()));
    },
  );

  app.post(
    '/members/:id/coupons',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Grant a coupon to a member by staff, with a reason, within stock, the per-member limit and the per-role daily cap; needs Idempotency-Key',
        params: IdParams,
        body: IssueBody,
        response: { 201: CouponResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        grantCoupon(trx, request.ctx, { ...request.body, member_id: request.params.id }),
      ),
  );

  app.get(
    '/members/:id/coupons',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary:
          'The coupons a member holds, newest first; codes whole only for loyalty.operate (a code is a bearer credential)',
        params: IdParams,
        querystring: MemberCouponsQuery,
        response: { 200: Page(CouponResponse), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const page = await listMemberCoupons(app.db, request.ctx, request.params.id, request.query);
      return { ...page, items: page.items.map((c) => presentCoupon(request.ctx, c)) };
    },
  );

  app.post(
    '/coupons/redeem',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Redeem (核销) a coupon by its code, exactly once; a count card gives one use; needs Idempotency-Key',
        body: RedeemByCodeBody,
        response: { 200: CouponResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, (trx) =>
        redeemCouponByCode(trx, request.ctx, request.body.code),
      ),
  );

  app.post(
    '/coupons/:id/void',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Void an unused coupon (a mistaken grant)',
        params: IdParams,
        response: { 200: CouponResponse, ...errors },
      },
    },
    async (request) =>
      presentCoupon(
        request.ctx,
        await inTransaction(app.db, (trx) => voidCoupon(trx, request.ctx, request.params.id)),
      ),
  );
  app.post(
    '/coupon-templates/:id/claim',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary:
          'Claim a coupon (领券先领卡): by member, or by phone; a phone that is no member becomes one in the same transaction; needs Idempotency-Key',
        params: IdParams,
        body: ClaimBody,
        response: { 201: ClaimResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        claimCoupon(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.get(
    '/coupons/:id/qr',
    {
      // the whole code, for the till's scanner: only those who redeem at the till
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: "A coupon's code as a QR code (SVG) for the till's scanner",
        params: IdParams,
        response: { 200: CouponQrResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const coupon = await getOwnRow(
        app.db,
        request.ctx,
        'coupon',
        request.params.id,
        'coupon.not_found',
      );
      return {
        code: coupon.code,
        qr_svg: await QRCode.toString(coupon.code, { type: 'svg', margin: 1 }),
      };
    },
  );

  app.get(
    '/coupon-setting',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'The new-member pack and the per-role daily caps on staff grants',
        response: { 200: CouponSettingBody },
      },
    },
    (request) => getCouponSetting(app.db, request.ctx),
  );

  app.put(
    '/coupon-setting',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Set the new-member pack (新人礼包) and the per-role daily caps on staff grants',
        body: CouponSettingBody,
        response: { 200: CouponSettingBody, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    (request) => inTransaction(app.db, (trx) => putCouponSetting(trx, request.ctx, request.body)),
  );
};
