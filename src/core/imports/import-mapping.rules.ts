import {
  type ImportKind,
  type ImportMapping,
  type ImportTarget,
  importTargets,
  type MemberTarget,
  type OrderTarget,
  orderTargets,
} from './import.table.ts';

/**
 * Headers seen in legacy exports (Chinese POS systems, Excel sheets kept by hand), compared after
 * `normalizeHeader`. Exact matches only: `余额` is principal while `赠送余额` is bonus.
 */
const HEADER_SYNONYMS: Record<MemberTarget, readonly string[]> = {
  phone: [
    '手机号',
    '手机',
    '电话',
    '手机号码',
    '联系电话',
    '电话号码',
    'mobile',
    'phone',
    'tel',
    'cellphone',
    'phone_number',
    'mobile_phone',
  ],
  name: ['姓名', '名字', '会员姓名', '客户姓名', 'name', 'member_name', 'full_name'],
  gender: ['性别', 'gender', 'sex'],
  birthday: [
    '生日',
    '出生日期',
    '会员生日',
    'birthday',
    'birth_date',
    'birthdate',
    'date_of_birth',
    'dob',
  ],
  card_no: ['卡号', '会员卡号', '会员卡', '卡面号', 'card', 'card_no', 'cardno', 'card_number'],
  principal: [
    '余额',
    '储值余额',
    '本金',
    '储值本金',
    '卡内余额',
    '本金余额',
    'balance',
    'principal',
  ],
  bonus: ['赠送余额', '赠送金', '赠送金额', '赠金余额', 'bonus', 'bonus_balance'],
  points: ['积分', '可用积分', '当前积分', '剩余积分', 'points', 'point'],
  tier: ['等级', '会员等级', '卡等级', '会员级别', '卡类型', 'tier', 'level', 'member_level'],
  store: ['门店', '所属门店', '开卡门店', '归属门店', 'store', 'store_name', 'store_code'],
  registered_at: [
    '注册时间',
    '开卡时间',
    '注册日期',
    '开卡日期',
    '入会时间',
    'registered_at',
    'register_time',
    'join_date',
    'created_at',
  ],
};

/** Order exports (POS sales lists, mini-program orders); phone, card and store as for members. */
const ORDER_HEADER_SYNONYMS: Record<OrderTarget, readonly string[]> = {
  order_no: [
    '订单号',
    '订单编号',
    '单号',
    '流水号',
    '小票号',
    '销售单号',
    'order_no',
    'order_number',
    'order_id',
    'orderno',
  ],
  channel: ['渠道', '订单来源', '来源', 'channel', 'source'],
  paid_at: [
    '支付时间',
    '下单时间',
    '消费时间',
    '交易时间',
    '销售时间',
    '订单时间',
    '日期',
    'paid_at',
    'order_time',
    'order_date',
    'date',
  ],
  store: HEADER_SYNONYMS.store,
  phone: HEADER_SYNONYMS.phone,
  card_no: HEADER_SYNONYMS.card_no,
  amount: [
    '实付金额',
    '订单金额',
    '实收金额',
    '支付金额',
    '消费金额',
    '金额',
    'amount',
    'paid_amount',
    'total',
  ],
  sku: ['条码', '商品条码', '条形码', 'sku', 'barcode', 'sku_barcode'],
  category: ['品类', '商品分类', '分类', '类别', 'category'],
  quantity: ['数量', '购买数量', '件数', 'quantity', 'qty'],
  line_amount: ['商品金额', '行金额', '明细金额', '小计', 'line_amount', 'line_total', 'subtotal'],
};

/** `手机号码(必填)`, ` Phone `, `余额（元）` → `手机号码`, `phone`, `余额`. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

/** Header names made unique and non-empty, because the mapping is keyed by them. */
export function uniqueHeaders(raw: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((value, i) => {
    const base = value.replace(/^\uFEFF/, '').trim() || `列${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

const synonymsOf = <T extends ImportTarget>(
  targets: readonly T[],
  names: Record<T, readonly string[]>,
) =>
  new Map<string, T>(targets.flatMap((t) => names[t].map((h) => [normalizeHeader(h), t] as const)));

const KINDS = {
  members: {
    targets: importTargets,
    key: 'phone',
    synonyms: synonymsOf(importTargets, HEADER_SYNONYMS),
  },
  orders: {
    targets: orderTargets,
    key: 'order_no',
    synonyms: synonymsOf(orderTargets, ORDER_HEADER_SYNONYMS),
  },
} satisfies Record<
  ImportKind,
  { targets: readonly ImportTarget[]; key: ImportTarget; synonyms: Map<string, ImportTarget> }
>;

/** The fields a file of this kind may map its columns to. */
export const targetsOf = (kind: ImportKind): readonly ImportTarget[] => KINDS[kind].targets;

/**
 * The header row: the first of the first ten rows with a recognised key header (the phone of a
 * member file, the order number of an order file), so that the title lines some exports put
 * above the table ("会员资料导出 2024-01-01") are skipped.
 */
export function findHeaderRow(
  rows: readonly (readonly string[])[],
  kind: ImportKind = 'members',
): number {
  const { key, synonyms } = KINDS[kind];
  return rows
    .slice(0, 10)
    .findIndex((row) => row.some((cell) => synonyms.get(normalizeHeader(cell)) === key));
}

/** Whether a row is the job's header row (the dry run reads the file from its start again). */
export function isHeaderRow(values: readonly string[], headers: readonly string[]): boolean {
  const names = uniqueHeaders(values);
  return names.length === headers.length && names.every((n, i) => n === headers[i]);
}

/** The suggested mapping: each recognised header to its target, each target used once. */
export function suggestMapping(
  headers: readonly string[],
  kind: ImportKind = 'members',
): ImportMapping {
  const used = new Set<ImportTarget>();
  const mapping: ImportMapping = {};
  for (const header of headers) {
    const target = KINDS[kind].synonyms.get(normalizeHeader(header));
    mapping[header] = target && !used.has(target) ? target : null;
    if (target) used.add(target);
  }
  return mapping;
}

export type MappingProblem = { field: string } | undefined;

/** The client's mapping patched over the suggestion; the field names the first problem. */
export function applyMappingOverride(
  headers: readonly string[],
  suggested: ImportMapping,
  override: Record<string, string | null> | undefined,
  kind: ImportKind = 'members',
): { mapping: ImportMapping; problem: MappingProblem } {
  const mapping: ImportMapping = { ...suggested };
  const targets: readonly string[] = targetsOf(kind);
  for (const [header, target] of Object.entries(override ?? {})) {
    if (!headers.includes(header)) return { mapping, problem: { field: `mapping.${header}` } };
    if (target !== null && !targets.includes(target))
      return { mapping, problem: { field: `mapping.${header}` } };
    mapping[header] = target as ImportTarget | null;
  }
  const used = new Set<string>();
  for (const header of headers) {
    const target = mapping[header];
    if (!target) continue;
    if (used.has(target)) return { mapping, problem: { field: `mapping.${header}` } };
    used.add(target);
  }
  return { mapping, problem: undefined };
}

/** target → [column index, header] for the mapped targets. */
export function mappedColumns(
  headers: readonly string[],
  mapping: ImportMapping,
): Map<ImportTarget, { index: number; header: string }> {
  const columns = new Map<ImportTarget, { index: number; header: string }>();
  headers.forEach((header, index) => {
    const target = mapping[header];
    if (target) columns.set(target, { index, header });
  });
  return columns;
}
