import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { TenderMethod, TenderRefType } from './tender.table.ts';

export interface ChargeRequest {
  method: TenderMethod;
  amount_fen: number;
  ref_type: TenderRefType;
  ref_id: string;
}

export interface ProviderResult {
  /** the gateway's transaction id, if any */
  provider_ref: string | null;
}

/**
 * How money is taken for a tender. Called inside the business transaction, so a provider must
 * either confirm synchronously or throw (which rolls the recharge back).
 *
 * The slot for real gateways (WeChat Pay, Alipay, UnionPay): a gateway provider implements the
 * same two calls. For a scan-to-pay "micropay" (the cashier scans the member's payment code)
 * the gateway answers synchronously, so `charge` can call it and return its transaction id;
 * if the gateway only answers later, the provider must throw here and the caller must take the
 * pending path (create the order, wait for the gateway's notification, then run the same core
 * call with the `recorded` provider and the gateway's id) — never record money it has not got.
 * Register it in `providers` and map the methods it serves in `providerFor`.
 */
export interface PaymentProvider {
  readonly name: string;
  charge(trx: Trx, ctx: Ctx, request: ChargeRequest): Promise<ProviderResult>;
  refund(
    trx: Trx,
    ctx: Ctx,
    original: { method: TenderMethod; provider_ref: string | null },
    amountFen: number,
  ): Promise<ProviderResult>;
}

/** The till took (or paid back) the money itself: cash, a card terminal, a QR stand. */
export const recordedProvider: PaymentProvider = {
  name: 'recorded',
  charge: async () => ({ provider_ref: null }),
  refund: async () => ({ provider_ref: null }),
};

const providers: Record<string, PaymentProvider> = { recorded: recordedProvider };

/** Every method goes through `recorded` until a gateway is configured for it. */
export function providerFor(_method: TenderMethod): PaymentProvider {
  return providers.recorded!;
}

/**
 * A gateway whose payer confirms elsewhere, later (the member page's recharge: WeChat Pay JSAPI
 * or H5 pay, Alipay wap pay). `start` asks the gateway for a payment and returns its reference
 * (and, for a real gateway, what the page needs to open the payer's wallet); nothing is recorded
 * as paid. When the gateway's signed notification arrives (a route of the gateway's own, which
 * verifies it and finds the member payment by `provider_ref`), the same completion the
 * development button runs (src/core/member-app/member-payment.service.ts `completePayment`)
 * records the recharge, paid by `method`. The slot for WeChat Pay and Alipay: implement `start`
 * with the gateway's unified order call, add the notification route, register it below.
 */
export interface PendingPaymentProvider {
  readonly name: string;
  readonly method: TenderMethod;
  start(
    ctx: Ctx,
    request: { amount_fen: number; ref_id: string },
  ): Promise<{ provider_ref: string }>;
}

/**
 * Development only: the payment completes when the member presses "complete payment
 * (development)" on the page. Served only when the server runs with DEV_PAYMENTS (or the demo).
 */
export const developmentProvider: PendingPaymentProvider = {
  name: 'development',
  method: 'wechat_pay',
  start: async (_ctx, request) => ({ provider_ref: `dev_${request.ref_id}` }),
};

const pendingProviders: Record<string, PendingPaymentProvider> = {
  development: developmentProvider,
};

export function pendingProviderByName(name: string): PendingPaymentProvider {
  const provider = pendingProviders[name];
  if (!provider) throw new DomainError('request.invalid', { field: 'provider' });
  return provider;
}

export function providerByName(name: string): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw new Error(`payment provider ${name} is not registered`);
  return provider;
}
