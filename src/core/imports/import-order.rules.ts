import { normalizePhone } from '../../lib/phone.ts';
import {
  type Columns,
  cellReader,
  parseCard,
  parseFen,
  parseRegisteredAt,
  type RowError,
} from './import.rules.ts';

/** The channel of an imported order when the file has no channel column. */
export const HISTORY_CHANNEL = 'history';

/** One valid order-file row, parsed; the member is matched by phone or card per batch. */
export interface StagedOrderRow {
  line: number;
  channel: string;
  external_id: string;
  paid_at: Date;
  store_id: string;
  /** null: no member named, a guest order */
  member_key: { phone: string } | { card: string } | null;
  member_id: string | null;
  amount_fen: number | null;
  sku_id: string | null;
  category: string;
  quantity: number;
  line_amount_fen: number | null;
}

export interface OrderRowEnv {
  allowForeignPhone: boolean;
  zone: string;
  now: Date;
  /** store name or lower-cased code → store id */
  stores: ReadonlyMap<string, string>;
  /** barcode → the SKU and its product's category code */
  skus: ReadonlyMap<string, { id: string; category: string }>;
  /** category code or name → code */
  categories: ReadonlyMap<string, string>;
}

const MAX_QUANTITY = 1_000_000;

function parseQuantity(raw: string): number | 'invalid' {
  if (raw === '') return 1;
  if (!/^\d+(\.0+)?$/.test(raw)) return 'invalid';
  const n = Number.parseInt(raw, 10);
  return n >= 1 && n <= MAX_QUANTITY ? n : 'invalid';
}

/**
 * Validates one row of an order file: every bad cell is named, or the row comes back parsed.
 * The order number, time, store and amount (or line amount) are required; the member is
 * optional (an order without phone and card is a guest order) and matched later, by batch.
 */
export function validateOrderRow(
  line: number,
  values: readonly string[],
  columns: Columns,
  env: OrderRowEnv,
): { row: StagedOrderRow; errors: [] } | { row: undefined; errors: RowError[] } {
  const { errors, cell, check } = cellReader(values, columns);
  const required =
    <T>(parse: (raw: string) => T | null | 'invalid') =>
    (raw: string): T | 'invalid' =>
      parse(raw) ?? 'invalid';
  const text = (max: number, pattern?: RegExp) => (raw: string) =>
    raw === '' ? null : raw.length <= max && (!pattern || pattern.test(raw)) ? raw : 'invalid';
  const externalId = check('order_no', required(text(64)), 'import.order_no_invalid');
  const channel =
    check('channel', text(32, /^[0-9A-Za-z_.-]+$/), 'import.channel_invalid') ?? HISTORY_CHANNEL;
  const paidAt = check(
    'paid_at',
    required((r) => parseRegisteredAt(r, env.zone, env.now)),
    'import.paid_at_invalid',
  );
  const store = check(
    'store',
    (raw) => env.stores.get(raw) ?? env.stores.get(raw.toLowerCase()) ?? 'invalid',
    'import.store_unknown',
  );
  const lineAmountRequired = !columns.has('amount');
  const amount = check('amount', required(parseFen), 'import.amount_invalid');
  const lineAmount = check(
    'line_amount',
    lineAmountRequired ? required(parseFen) : parseFen,
    'import.amount_invalid',
  );
  const sku = check(
    'sku',
    (raw) => (raw === '' ? null : (env.skus.get(raw) ?? 'invalid')),
    'import.sku_unknown',
  );
  const category = check(
    'category',
    (raw) => (raw === '' ? null : raw.length <= 64 ? (env.categories.get(raw) ?? raw) : 'invalid'),
    'import.category_invalid',
  );
  const quantity = check('quantity', parseQuantity, 'import.quantity_invalid') ?? 1;
  const memberKey = matchKey(cell('phone'), cell('card_no'), env, errors);
  if (errors.length > 0 || !externalId || !paidAt || !store) return { row: undefined, errors };
  return {
    row: {
      line,
      channel,
      external_id: externalId,
      paid_at: paidAt,
      store_id: store,
      member_key: memberKey,
      member_id: null,
      amount_fen: amount,
      sku_id: sku?.id ?? null,
      category: sku?.category ?? category ?? '',
      quantity,
      line_amount_fen: lineAmount,
    },
    errors: [],
  };
}

/** The phone when the row has one, else the card number (member card or legacy card). */
function matchKey(
  phone: { raw: string; header: string } | undefined,
  card: { raw: string; header: string } | undefined,
  env: OrderRowEnv,
  errors: RowError[],
): StagedOrderRow['member_key'] {
  if (phone && phone.raw !== '') {
    const normalized = normalizePhone(phone.raw, env.allowForeignPhone);
    if (normalized) return { phone: normalized };
    errors.push({ column: phone.header, code: 'import.phone_invalid' });
    return null;
  }
  if (card && card.raw !== '') {
    const value = parseCard(card.raw);
    if (value && value !== 'invalid') return { card: value };
    errors.push({ column: card.header, code: 'import.card_invalid' });
  }
  return null;
}
