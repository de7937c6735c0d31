import { Compile } from 'typebox/compile';
import type { ErrorCode } from '../../lib/error-codes.ts';
import { DomainError } from '../../lib/errors.ts';
import type { CustomFieldType } from '../members/member.table.ts';
import {
  type LeafField,
  MAX_DEPTH,
  MAX_LEAVES,
  MAX_WINDOW_DAYS,
  SegmentLeaf,
  type SegmentRule,
} from './segment.schema.ts';

type Node = Record<string, unknown>;
type CustomOp = Extract<SegmentLeaf, { field: 'custom' }>['op'];

/** Operators a custom field of each type takes. */
export const CUSTOM_OPS: Record<CustomFieldType, readonly CustomOp[]> = {
  text: ['eq', 'in', 'contains', 'set', 'unset'],
  number: ['eq', 'gte', 'lte', 'between', 'set', 'unset'],
  date: ['eq', 'gte', 'lte', 'between', 'set', 'unset'],
  option: ['eq', 'in', 'set', 'unset'],
};

const leafCheckers = new Map(
  SegmentLeaf.anyOf.map((schema) => [schema.properties.field.const as string, Compile(schema)]),
);
const windowed = new Set<LeafField>(['registered', 'orders', 'spend', 'category', 'sku', 'store']);
const bounded = new Set<LeafField>(['points', 'stored_value', 'orders', 'spend', 'rfm_score']);

function fail(code: ErrorCode, field: string, params?: Record<string, unknown>): never {
  throw new DomainError(code, { field, ...(params ? { params } : {}) });
}

/**
 * Checks a rule tree from untrusted JSON, naming the node at fault (`rule.rules[1].days`):
 * shape, caps (depth ≤ 5, ≤ 30 leaves), windows (1 day … 5 years), bounds, and — given the
 * merchant's custom fields — keys and the operators their types allow. Throws a 400.
 */
export function validateSegmentRule(
  rule: unknown,
  customFields?: ReadonlyMap<string, CustomFieldType>,
  path = 'rule',
): asserts rule is SegmentRule {
  let leaves = 0;
  const walk = (node: unknown, at: string, depth: number): void => {
    if (depth > MAX_DEPTH) fail('segment.too_deep', at, { max: MAX_DEPTH });
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      fail('segment.invalid_rule', at);
    const n = node as Node;
    if ('op' in n && !('field' in n)) {
      walkGroup(n, at, depth);
      return;
    }
    leaves += 1;
    if (leaves > MAX_LEAVES) fail('segment.too_large', at, { max: MAX_LEAVES });
    checkLeaf(n, at, customFields);
  };
  const walkGroup = (n: Node, at: string, depth: number): void => {
    const keys = Object.keys(n);
    if (n.op === 'not') {
      const extra = keys.find((k) => k !== 'op' && k !== 'rule');
      if (extra) fail('segment.invalid_rule', `${at}.${extra}`);
      walk(n.rule, `${at}.rule`, depth + 1);
      return;
    }
    if (n.op !== 'and' && n.op !== 'or') fail('segment.invalid_rule', `${at}.op`);
    const extra = keys.find((k) => k !== 'op' && k !== 'rules');
    if (extra) fail('segment.invalid_rule', `${at}.${extra}`);
    if (!Array.isArray(n.rules) || n.rules.length === 0)
      fail('segment.invalid_rule', `${at}.rules`);
    for (const [i, child] of n.rules.entries()) walk(child, `${at}.rules[${i}]`, depth + 1);
  };
  walk(rule, path, 1);
}

function checkLeaf(n: Node, at: string, fields?: ReadonlyMap<string, CustomFieldType>): void {
  const field = n.field as LeafField;
  const checker = typeof field === 'string' ? leafCheckers.get(field) : undefined;
  if (!checker) fail('segment.unknown_field', `${at}.field`, { field: String(n.field) });
  if (windowed.has(field)) checkWindow(n, at);
  const first = checker.Errors(n)[0];
  if (first) fail('segment.invalid_rule', at + pointerToPath(first));
  if (bounded.has(field)) checkBounds(n, at, field !== 'orders');
  if (field === 'custom') checkCustom(n as Extract<SegmentLeaf, { field: 'custom' }>, at, fields);
}

function checkWindow(n: Node, at: string): void {
  const { days, from, to } = n;
  if (days !== undefined) {
    if (from !== undefined || to !== undefined) fail('segment.invalid_rule', `${at}.from`);
    if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_WINDOW_DAYS)
      fail('segment.window_out_of_range', `${at}.days`, { min: 1, max: MAX_WINDOW_DAYS });
    return;
  }
  if (from === undefined && to === undefined) return;
  if (typeof from !== 'string') fail('segment.invalid_rule', `${at}.from`);
  if (typeof to !== 'string') fail('segment.invalid_rule', `${at}.to`);
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (Number.isNaN(span)) fail('segment.invalid_rule', `${at}.from`);
  if (span < 0 || span + 1 > MAX_WINDOW_DAYS)
    fail('segment.window_out_of_range', `${at}.to`, { min: 1, max: MAX_WINDOW_DAYS });
}

function checkBounds(n: Node, at: string, needsOne: boolean): void {
  const { min, max } = n as { min?: number | string; max?: number | string };
  if (min === undefined && max === undefined && needsOne) fail('segment.invalid_rule', `${at}.min`);
  if (min !== undefined && max !== undefined && min > max)
    fail('segment.invalid_rule', `${at}.max`, { min });
}

function checkCustom(
  n: Extract<SegmentLeaf, { field: 'custom' }>,
  at: string,
  fields?: ReadonlyMap<string, CustomFieldType>,
): void {
  const needs = { value: ['eq', 'contains', 'gte', 'lte'], values: ['in'], min: ['between'] };
  if (needs.value.includes(n.op) && n.value === undefined)
    fail('segment.invalid_rule', `${at}.value`);
  if (needs.values.includes(n.op) && n.values === undefined)
    fail('segment.invalid_rule', `${at}.values`);
  if (n.op === 'between') {
    if (n.min === undefined) fail('segment.invalid_rule', `${at}.min`);
    if (n.max === undefined) fail('segment.invalid_rule', `${at}.max`);
  }
  if (!fields) return;
  const type = fields.get(n.key);
  if (!type) fail('segment.unknown_field', `${at}.key`, { field: n.key });
  if (!CUSTOM_OPS[type].includes(n.op))
    fail('segment.operator_invalid', `${at}.op`, { type, op: n.op, allowed: CUSTOM_OPS[type] });
  const want = type === 'number' ? 'number' : 'string';
  for (const key of ['value', 'min', 'max'] as const) {
    const v = n[key];
    if (v === undefined) continue;
    if (typeof v !== want) fail('segment.invalid_rule', `${at}.${key}`, { type });
    if (type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v as string))
      fail('segment.invalid_rule', `${at}.${key}`, { type });
  }
}

/** A TypeBox error's `/in/0` (+ an unknown property) as `.in[0]` after the node's path. */
function pointerToPath(error: { instancePath: string; params: unknown }): string {
  const parts = error.instancePath.split('/').filter(Boolean);
  const params = error.params as { additionalProperties?: string[]; requiredProperties?: string[] };
  const extra = params?.additionalProperties?.[0] ?? params?.requiredProperties?.[0];
  if (extra) parts.push(extra);
  return parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

/** Every leaf of a tree, depth first. */
export function leavesOf(rule: SegmentRule): SegmentLeaf[] {
  if ('rules' in rule) return rule.rules.flatMap(leavesOf);
  if ('rule' in rule) return leavesOf(rule.rule);
  return [rule];
}
