import type { Trx } from '../../db/database.ts';
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

export function providerByName(name: string): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw new Error(`payment provider ${name} is not registered`);
  return provider;
}
