/** The rule tree as the builder edits it, and its wire form (src/core/segments/segment.schema.ts). */
export type Leaf = { field: string } & Record<string, unknown>;
export type Rule = { op: 'and' | 'or'; rules: Rule[] } | { op: 'not'; rule: Rule } | Leaf;

export type Node =
  | { kind: 'group'; key: number; negate: boolean; op: 'and' | 'or'; children: Node[] }
  | { kind: 'leaf'; key: number; negate: boolean; leaf: Leaf };

export interface SegmentView {
  id: string;
  name: string;
  description: string | null;
  rule: Rule;
  sentence: string;
  updated_at: string;
}
export interface Preview {
  count: number;
  sample: { id: string; card_no: string; name: string | null; phone: string | null }[];
  sentence: string;
  took_ms: number;
}

let seq = 0;
export const nextKey = () => ++seq;

/** The fields a marketer picks from, each with its starting values. */
export const FIELDS: Record<string, Leaf> = {
  orders: { field: 'orders', days: 180, min: 3 },
  no_orders: { field: 'orders', days: 60, max: 0 },
  spend: { field: 'spend', days: 365, min: 10_000 },
  category: { field: 'category', codes: [], days: 90 },
  sku: { field: 'sku', sku_ids: [], days: 90 },
  store: { field: 'store', store_ids: [], days: 90 },
  tag: { field: 'tag', has: 'any', tag_ids: [] },
  tier: { field: 'tier', tier_ids: [] },
  rfm_group: { field: 'rfm_group', in: [] },
  lifecycle: { field: 'lifecycle', in: [] },
  points: { field: 'points', min: 100 },
  stored_value: { field: 'stored_value', min: 10_000 },
  gender: { field: 'gender', in: ['female'] },
  birthday_month: { field: 'birthday_month', months: [] },
  registered: { field: 'registered', days: 30 },
  home_store: { field: 'home_store', store_ids: [] },
  custom: { field: 'custom', key: '', op: 'set' },
};

/** The operators a custom field of each type takes (src/core/segments/segment.rules.ts). */
export const CUSTOM_OPS: Record<string, string[]> = {
  text: ['eq', 'in', 'contains', 'set', 'unset'],
  number: ['eq', 'gte', 'lte', 'between', 'set', 'unset'],
  date: ['eq', 'gte', 'lte', 'between', 'set', 'unset'],
  option: ['eq', 'in', 'set', 'unset'],
};

/** Which entry of FIELDS a leaf is (an order count of at most 0 is "no orders"). */
export const pickOf = (leaf: Leaf) =>
  leaf.field === 'orders' && leaf.max === 0 && !leaf.min ? 'no_orders' : leaf.field;

export const emptyGroup = (children: Node[] = []): Node => ({
  kind: 'group',
  key: nextKey(),
  negate: false,
  op: 'and',
  children,
});

export function toRule(node: Node): Rule {
  const inner: Rule =
    node.kind === 'group' ? { op: node.op, rules: node.children.map(toRule) } : node.leaf;
  return node.negate ? { op: 'not', rule: inner } : inner;
}

export function fromRule(rule: Rule, negate = false): Node {
  if (rule.op === 'not' && 'rule' in rule) return fromRule(rule.rule as Rule, !negate);
  if ('rules' in rule && (rule.op === 'and' || rule.op === 'or'))
    return {
      kind: 'group',
      key: nextKey(),
      negate,
      op: rule.op,
      children: (rule.rules as Rule[]).map((r) => fromRule(r)),
    };
  return { kind: 'leaf', key: nextKey(), negate, leaf: rule as Leaf };
}

export const RFM_GROUPS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
];
export const LIFECYCLES = ['new', 'active', 'core', 'dormant', 'churned'];
