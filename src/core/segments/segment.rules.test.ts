import { describe, expect, test } from 'vitest';
import { DomainError } from '../../lib/errors.ts';
import { validateSegmentRule } from './segment.rules.ts';
import { S5_RULE } from './segment-examples.ts';
import { describeSegmentRule } from './segment-sentence.rules.ts';

const refusal = (rule: unknown, fields?: Map<string, 'text' | 'number' | 'date' | 'option'>) => {
  try {
    validateSegmentRule(rule, fields);
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, field: e.field };
    throw e;
  }
  return undefined;
};

describe('segment rules', () => {
  test('S5 and a five-level tree of 30 leaves pass; one level or leaf more does not', () => {
    expect(refusal(S5_RULE)).toBeUndefined();
    const leaf = { field: 'gender', in: ['female'] };
    const nest = (depth: number): unknown =>
      depth === 1 ? leaf : { op: 'not', rule: nest(depth - 1) };
    expect(refusal(nest(5))).toBeUndefined();
    expect(refusal(nest(6))).toEqual({
      code: 'segment.too_deep',
      field: 'rule.rule.rule.rule.rule.rule',
    });
    const wide = (n: number) => ({ op: 'and', rules: Array.from({ length: n }, () => leaf) });
    expect(refusal(wide(30))).toBeUndefined();
    expect(refusal(wide(31))).toEqual({ code: 'segment.too_large', field: 'rule.rules[30]' });
  });

  test('windows, bounds and custom operators are checked where they sit', () => {
    expect(refusal({ field: 'orders', days: 1826 })).toBeUndefined();
    expect(refusal({ field: 'orders', days: 1827 })?.code).toBe('segment.window_out_of_range');
    expect(refusal({ field: 'orders', from: '2026-02-01', to: '2026-01-01' })).toEqual({
      code: 'segment.window_out_of_range',
      field: 'rule.to',
    });
    expect(refusal({ field: 'registered' })).toBeUndefined();
    expect(refusal({ field: 'spend', days: 30 })).toEqual({
      code: 'segment.invalid_rule',
      field: 'rule.min',
    });
    expect(refusal({ field: 'points', min: 10, max: 5 })).toEqual({
      code: 'segment.invalid_rule',
      field: 'rule.max',
    });
    const fields = new Map([
      ['size', 'number' as const],
      ['city', 'text' as const],
    ]);
    expect(refusal({ field: 'custom', key: 'size', op: 'gte', value: 40 }, fields)).toBeUndefined();
    expect(refusal({ field: 'custom', key: 'size', op: 'gte', value: '40' }, fields)).toEqual({
      code: 'segment.invalid_rule',
      field: 'rule.value',
    });
    expect(
      refusal({ field: 'custom', key: 'city', op: 'between', min: 'a', max: 'b' }, fields),
    ).toEqual({
      code: 'segment.operator_invalid',
      field: 'rule.op',
    });
    expect(refusal({ op: 'xor', rules: [] })).toEqual({
      code: 'segment.invalid_rule',
      field: 'rule.op',
    });
    expect(refusal('rule')).toEqual({ code: 'segment.invalid_rule', field: 'rule' });
  });

  test('sentences in zh-CN and English', () => {
    expect(describeSegmentRule(S5_RULE, 'zh-CN')).toBe('近180天消费≥3次且近60天无消费');
    const rule = {
      op: 'or' as const,
      rules: [
        { field: 'category' as const, codes: ['mango'], days: 90 },
        {
          op: 'not' as const,
          rule: { field: 'tag' as const, has: 'any' as const, tag_ids: ['t1'] },
        },
        {
          op: 'and' as const,
          rules: [
            { field: 'spend' as const, min: 100_000 },
            { field: 'gender' as const, in: ['female' as const] },
          ],
        },
      ],
    };
    const names = { categories: { mango: '芒果系列' }, tags: { t1: '老客' } };
    expect(describeSegmentRule(rule, 'zh-CN', names)).toBe(
      '近90天购买过芒果系列或不满足（有标签老客之一）或（累计消费金额≥¥1000.00且性别为女）',
    );
    expect(describeSegmentRule(rule, 'en', names)).toBe(
      'bought 芒果系列 in the last 90 days or not (has any of the tags 老客) or (spent at least ¥1000.00 in total and gender is female)',
    );
  });
});
