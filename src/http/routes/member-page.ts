import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { ClaimResponse, CouponQrResponse } from '../../core/coupons/coupon-api.schema.ts';
import { Redemption, Reward } from '../../core/mall/mall.schema.ts';
import { listRewards } from '../../core/mall/mall.service.ts';
import { redeemReward } from '../../core/mall/mall-redeem.service.ts';
import {
  ClaimableTemplate,
  InboxMessage,
  Me,
  MyCoupon,
  Share,
} from '../../core/member-app/member-app.schema.ts';
import { getCard, selfOf } from '../../core/member-app/member-card.service.ts';
import {
  claimAsSelf,
  getOwnMemberRow,
  listInbox,
  markClicked,
  markRead,
} from '../../core/member-app/member-self.service.ts';
import { MemberCode } from '../../core/members/member.schema.ts';
import { signMemberCode } from '../../core/members/member-code.ts';
import { shareOf } from '../../core/referral/referral.service.ts';
import { commissionAccount } from '../../core/referral/referral-payout.service.ts';
import { ErrorResponse, IdParams } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

const tags = ['member page'];
const config = { permission: 'member.self' } as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const qr = (text: string) => QRCode.toString(text, { type: 'svg', margin: 1 });

export const memberPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/member/me',
    {
      config,
      schema: {
        tags,
        summary:
          'The signed-in phone and its card: tier and progress, points (lots lapsing within 30 days), balance with its bonus parts, paid membership; card null while the phone is no member',
        response: { 200: Me },
      },
    },
    async (request) => {
      const session = request.memberSession!;
      const memberId = request.ctx.actor.id;
      return {
        phone: session.phone,
        member_id: memberId,
        store_id: session.store_id,
        card: memberId ? await getCard(app.db, request.ctx, memberId) : null,
      };
    },
  );

  app.get(
    '/member/code',
    {
      config,
      schema: {
        tags,
        summary: 'Mint the dynamic member code (valid 60 s, pays once) and its QR, for the till',
        response: { 200: MemberCode, ...errors },
      },
    },
    async (request) => {
      const signed = signMemberCode(
        selfOf(request.ctx),
        request.ctx.merchantId,
        request.ctx.now,
        app.config.secret,
      );
      return { ...signed, qr_svg: await qr(signed.code) };
    },
  );

  app.get(
    '/member/coupons',
    {
      config,
      schema: {
        tags,
        summary: "The member's coupons, usable ones first",
        response: { 200: Type.Object({ items: Type.Array(MyCoupon) }) },
      },
    },
    async (request) => {
      const { ctx } = request;
      if (!ctx.actor.id) return { items: [] };
      const items = await app.db
        .selectFrom('coupon as c')
        .innerJoin('coupon_template as t', (j) =>
          j.onRef('t.merchant_id', '=', 'c.merchant_id').onRef('t.id', '=', 'c.template_id'),
        )
        .select([
          'c.id',
          'c.template_id',
          't.name',
          'c.code',
          'c.status',
          'c.uses_left',
          'c.valid_from',
          'c.valid_until',
        ])
        .where('c.merchant_id', '=', ctx.merchantId)
        .where('c.member_id', '=', ctx.actor.id)
        .orderBy((eb) => eb.case().when('c.status', '=', 'issued').then(0).else(1).end())
        .orderBy('c.created_at', 'desc')
        .limit(200)
        .execute();
      return { items };
    },
  );

  app.get(
    '/member/coupons/:id/qr',
    {
      config,
      schema: {
        tags,
        summary: "One of the member's coupons as a code and QR for the till",
        params: IdParams,
        response: { 200: CouponQrResponse, ...errors },
      },
    },
    async (request) => {
      const coupon = await getOwnMemberRow(
        app.db,
        request.ctx,
        'coupon',
        request.params.id,
        'coupon.not_found',
      );
      return { code: coupon.code, qr_svg: await qr(coupon.code) };
    },
  );

  app.get(
    '/member/coupon-templates',
    {
      config,
      schema: {
        tags,
        summary:
          'The coupon centre: active templates the merchant marked claimable by members, with stock left',
        response: { 200: Type.Object({ items: Type.Array(ClaimableTemplate) }) },
      },
    },
    async (request) => {
      const rows = await app.db
        .selectFrom('coupon_template')
        .select(['id', 'name', 'kind', 'total_stock', 'issued'])
        .where('merchant_id', '=', request.ctx.merchantId)
        .where('active', '=', true)
        .where('member_claimable', '=', true)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute();
      const items = rows
        .map((t) => ({
          id: t.id,
          name: t.name,
          kind: t.kind,
          left: t.total_stock === null ? null : t.total_stock - t.issued,
        }))
        .filter((t) => t.left === null || t.left > 0);
      return { items };
    },
  );

  app.post(
    '/member/coupon-templates/:id/claim',
    {
      config,
      schema: {
        tags,
        summary:
          '领券先领卡: claim a coupon; a phone that is no member becomes one and the session is bound to it, in one transaction; needs Idempotency-Key',
        params: IdParams,
        querystring: Type.Object(
          { share_code: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) },
          { additionalProperties: false },
        ),
        response: { 201: ClaimResponse, ...errors },
      },
    },
    async (request, reply) => {
      const session = request.memberSession!;
      const result = await idempotent(app.db, request, reply, 201, (trx) =>
        claimAsSelf(trx, request.ctx, session, request.params.id, request.query.share_code),
      );
      // the session now names its member: this instance reads it afresh
      app.memberSessions.delete(session.token_hash);
      return result;
    },
  );

  app.get(
    '/member/mall/rewards',
    {
      config,
      schema: {
        tags,
        summary: 'The points mall: rewards on sale today and in stock',
        response: { 200: Type.Object({ items: Type.Array(Reward) }) },
      },
    },
    async (request) => ({ items: await listRewards(app.db, request.ctx, { available: true }) }),
  );

  app.post(
    '/member/mall/rewards/:id/redeem',
    {
      config,
      schema: {
        tags,
        summary:
          'Redeem a reward with points, exactly once per unit of stock; needs Idempotency-Key',
        params: IdParams,
        response: { 201: Redemption, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 201, (trx) =>
        redeemReward(trx, request.ctx, request.params.id, selfOf(request.ctx)),
      ),
  );

  app.get(
    '/member/share',
    {
      config,
      schema: {
        tags,
        summary:
          "The member's share code, link and QR (the poster's), with how many came through it and the commission earned",
        response: { 200: Share, ...errors },
      },
    },
    async (request) => {
      const { ctx } = request;
      const memberId = selfOf(ctx);
      const share = await inTransaction(app.db, (trx) => shareOf(trx, ctx, memberId));
      const url = `${request.protocol}://${request.host}/m/${ctx.merchantId}?r=${share.code}`;
      const counts = await app.db
        .selectFrom('referral_binding')
        .select([
          (eb) => eb.fn.countAll<string>().as('invited'),
          (eb) => eb.fn.count<string>('bound_at').as('bound'),
        ])
        .where('merchant_id', '=', ctx.merchantId)
        .where('referrer_id', '=', memberId)
        .executeTakeFirstOrThrow();
      const account = await commissionAccount(app.db, ctx, memberId);
      return {
        code: share.code,
        url,
        qr_svg: await qr(url),
        invited: Number(counts.invited),
        bound: Number(counts.bound),
        earned_fen: account.earned_fen,
        available_fen: account.available_fen,
      };
    },
  );

  app.get(
    '/member/messages',
    {
      config,
      schema: {
        tags,
        summary: "The member's inbox, newest first",
        response: { 200: Type.Object({ items: Type.Array(InboxMessage) }), ...errors },
      },
    },
    async (request) => ({
      items: request.ctx.actor.id ? await listInbox(app.db, request.ctx) : [],
    }),
  );

  app.post(
    '/member/messages/:id/read',
    {
      config,
      schema: {
        tags,
        summary: 'Mark one of the member’s messages read',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => markRead(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/member/messages/:id/click',
    {
      config,
      schema: {
        tags,
        summary:
          'The member tapped a message’s call to action: opens it; a campaign’s feeds campaign_click once per member and campaign',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => markClicked(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );
};
