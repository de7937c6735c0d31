import { api, newIdempotencyKey } from '../../api.ts';
import type { CommitBody, Member, Order, Quote, TenderMethod } from '../../wire-types.ts';

/** A line as the cashier builds it: from the catalogue (sku_id) or typed in (name, category). */
export interface SaleLine {
  key: string;
  sku_id?: string;
  name: string;
  category: string;
  unit_price_fen: number;
  quantity: number;
  tier_discountable: boolean;
}

export interface TenderEntry {
  method: TenderMethod;
  amount_fen: number;
  received_fen?: number;
}

/** One sale at the till; its Idempotency-Key is minted once and kept across every retry. */
export interface Sale {
  key: string;
  member: Member | null;
  /** the member code scanned to find the member: may authorise a balance payment instead of a password */
  member_code?: string;
  lines: SaleLine[];
  coupon_ids: string[];
  points_to_use: number;
  stored_value_fen: number;
  tenders: TenderEntry[];
}

export const newSale = (): Sale => ({
  key: newIdempotencyKey(),
  member: null,
  lines: [],
  coupon_ids: [],
  points_to_use: 0,
  stored_value_fen: 0,
  tenders: [{ method: 'cash', amount_fen: 0 }],
});

/** The quote/commit body of a sale: catalogue lines by SKU, ad-hoc ones by name and price. */
export function saleBody(sale: Sale, storeId: string): CommitBody {
  const member = sale.member;
  return {
    store_id: storeId,
    ...(member ? { member_id: member.id } : {}),
    lines: sale.lines.map((l) =>
      l.sku_id
        ? { sku_id: l.sku_id, quantity: l.quantity }
        : {
            name: l.name,
            category: l.category,
            unit_price_fen: l.unit_price_fen,
            quantity: l.quantity,
            tier_discountable: l.tier_discountable,
          },
    ),
    ...(member
      ? {
          coupon_ids: sale.coupon_ids,
          points_to_use: sale.points_to_use,
          stored_value_fen: sale.stored_value_fen,
        }
      : {}),
    tenders: sale.tenders
      .filter((t) => t.amount_fen > 0)
      .map((t) => ({
        method: t.method,
        amount_fen: t.amount_fen,
        ...(t.method === 'cash' && t.received_fen && t.received_fen > t.amount_fen
          ? { received_fen: t.received_fen }
          : {}),
      })),
  };
}

/** What the lines cost before any discount: the due amount while the server cannot quote. */
export const listTotal = (lines: readonly SaleLine[]) =>
  lines.reduce((sum, l) => sum + l.unit_price_fen * l.quantity, 0);

export const quoteSale = (body: CommitBody) => api.post<Quote>('/checkout/quote', body);

export const commitSale = (body: CommitBody, key: string) => api.post<Order>('/orders', body, key);

/** fetch rejects with a TypeError when no answer came at all (offline, server down, reset). */
export const isNetworkError = (error: unknown) => error instanceof TypeError;
