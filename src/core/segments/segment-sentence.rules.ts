import type { Locale } from '../../lib/errors.ts';
import { LIFECYCLE_NAMES, RFM_GROUP_NAMES } from '../rfm/rfm.rules.ts';
import type { SegmentLeaf, SegmentRule } from './segment.schema.ts';

/** Display names of what a rule refers to by id or code; an unknown one shows as itself. */
export interface SegmentNames {
  tags?: Record<string, string>;
  tiers?: Record<string, string>;
  stores?: Record<string, string>;
  categories?: Record<string, string>;
  skus?: Record<string, string>;
  customFields?: Record<string, string>;
}

type Words = {
  and: string;
  or: string;
  list: string;
  not: (s: string) => string;
  group: (s: string) => string;
};
const WORDS: Record<Locale, Words> = {
  'zh-CN': {
    and: '且',
    or: '或',
    list: '、',
    not: (s) => `不满足${s}`,
    group: (s) => `（${s}）`,
  },
  en: {
    and: ' and ',
    or: ' or ',
    list: ', ',
    not: (s) => `not ${s}`,
    group: (s) => `(${s})`,
  },
};

/** A rule as one plain sentence: "近180天消费≥3次且近60天无消费". */
export function describeSegmentRule(
  rule: SegmentRule,
  locale: Locale,
  names: SegmentNames = {},
): string {
  const w = WORDS[locale];
  const describe = (node: SegmentRule, nested: boolean): string => {
    if ('rules' in node) {
      const text = node.rules.map((r) => describe(r, true)).join(w[node.op]);
      return nested && node.rules.length > 1 ? w.group(text) : text;
    }
    if ('rule' in node) {
      const inner = describe(node.rule, true);
      return w.not('rules' in node.rule || 'rule' in node.rule ? inner : w.group(inner));
    }
    return (locale === 'en' ? leafEn : leafZh)(node, names);
  };
  return describe(rule, false);
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const named = (ids: readonly string[], map: Record<string, string> | undefined, sep: string) =>
  ids.map((id) => map?.[id] ?? id).join(sep);
const MONTHS_EN = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

type Window = { days?: number; from?: string; to?: string };
const windowZh = (w: Window, lifetime = '累计') =>
  w.days !== undefined ? `近${w.days}天` : w.from ? `${w.from}至${w.to}` : lifetime;
const windowEn = (w: Window, lifetime = 'in total') =>
  w.days !== undefined
    ? `in the last ${w.days} days`
    : w.from
      ? `from ${w.from} to ${w.to}`
      : lifetime;

function rangeZh(min: number | undefined, max: number | undefined, fmt: (n: number) => string) {
  if (min !== undefined && max !== undefined)
    return min === max ? fmt(min) : `${fmt(min)}–${fmt(max)}`;
  return min !== undefined ? `≥${fmt(min)}` : `≤${fmt(max!)}`;
}
function rangeEn(min: number | undefined, max: number | undefined, fmt: (n: number) => string) {
  if (min !== undefined && max !== undefined)
    return min === max ? fmt(min) : `${fmt(min)}–${fmt(max)}`;
  return min !== undefined ? `at least ${fmt(min)}` : `at most ${fmt(max!)}`;
}

function leafZh(leaf: SegmentLeaf, n: SegmentNames): string {
  const l = '、';
  switch (leaf.field) {
    case 'gender':
      return `性别为${leaf.in.map((g) => ({ male: '男', female: '女', unknown: '未知' })[g]).join(l)}`;
    case 'birthday_month':
      return `生日在${leaf.months.map((m) => `${m}月`).join(l)}`;
    case 'registered':
      return `${windowZh(leaf)}注册`;
    case 'source_channel':
      return `注册渠道为${leaf.in.join(l)}`;
    case 'home_store':
      return `所属门店为${named(leaf.store_ids, n.stores, l)}`;
    case 'custom': {
      const label = n.customFields?.[leaf.key] ?? leaf.key;
      const ops = {
        eq: `等于${leaf.value}`,
        in: `为${leaf.values?.join(l)}`,
        contains: `包含“${leaf.value}”`,
        gte: `≥${leaf.value}`,
        lte: `≤${leaf.value}`,
        between: `在${leaf.min}至${leaf.max}之间`,
        set: '已填写',
        unset: '未填写',
      };
      return `${label}${ops[leaf.op]}`;
    }
    case 'tag': {
      const tags = named(leaf.tag_ids, n.tags, l);
      return { any: `有标签${tags}之一`, all: `同时有标签${tags}`, none: `没有标签${tags}` }[
        leaf.has
      ];
    }
    case 'tier':
      return `等级为${named(leaf.tier_ids, n.tiers, l)}`;
    case 'points':
      return `积分${rangeZh(leaf.min, leaf.max, String)}`;
    case 'stored_value':
      return `储值余额${rangeZh(leaf.min, leaf.max, yuan)}`;
    case 'rfm_group':
      return `RFM分群为${leaf.in.map((g) => RFM_GROUP_NAMES[g].zh).join(l)}`;
    case 'lifecycle':
      return `生命周期为${leaf.in.map((s) => LIFECYCLE_NAMES[s].zh).join(l)}`;
    case 'rfm_score':
      return `${leaf.score.toUpperCase()}评分${rangeZh(leaf.min, leaf.max, String)}`;
    case 'orders': {
      if (leaf.max === 0 && !leaf.min)
        return leaf.days === undefined && !leaf.from ? '从未消费' : `${windowZh(leaf)}无消费`;
      const min = leaf.min ?? (leaf.max === undefined ? 1 : undefined);
      return `${windowZh(leaf)}消费${rangeZh(min, leaf.max, (k) => `${k}次`)}`;
    }
    case 'spend':
      return `${windowZh(leaf)}消费金额${rangeZh(leaf.min, leaf.max, yuan)}`;
    case 'category': {
      const extra = [
        leaf.min_orders ? `≥${leaf.min_orders}次` : '',
        leaf.min_spend ? `满${yuan(leaf.min_spend)}` : '',
      ].join('');
      return `${windowZh(leaf, '曾')}购买过${named(leaf.codes, n.categories, l)}${extra}`;
    }
    case 'sku':
      return `${windowZh(leaf, '曾')}购买过${named(leaf.sku_ids, n.skus, l)}`;
    case 'store':
      return `${windowZh(leaf, '曾')}在${named(leaf.store_ids, n.stores, l)}消费过`;
    default: {
      const never: never = leaf;
      return String(never);
    }
  }
}

function leafEn(leaf: SegmentLeaf, n: SegmentNames): string {
  const l = ', ';
  switch (leaf.field) {
    case 'gender':
      return `gender is ${leaf.in.join(' or ')}`;
    case 'birthday_month':
      return `birthday in ${leaf.months.map((m) => MONTHS_EN[m - 1]).join(l)}`;
    case 'registered':
      return `registered ${windowEn(leaf)}`;
    case 'source_channel':
      return `registered through ${leaf.in.join(l)}`;
    case 'home_store':
      return `home store is ${named(leaf.store_ids, n.stores, l)}`;
    case 'custom': {
      const label = n.customFields?.[leaf.key] ?? leaf.key;
      const ops = {
        eq: `is ${leaf.value}`,
        in: `is one of ${leaf.values?.join(l)}`,
        contains: `contains "${leaf.value}"`,
        gte: `is at least ${leaf.value}`,
        lte: `is at most ${leaf.value}`,
        between: `is between ${leaf.min} and ${leaf.max}`,
        set: 'is filled in',
        unset: 'is empty',
      };
      return `${label} ${ops[leaf.op]}`;
    }
    case 'tag': {
      const tags = named(leaf.tag_ids, n.tags, l);
      return {
        any: `has any of the tags ${tags}`,
        all: `has all the tags ${tags}`,
        none: `has none of the tags ${tags}`,
      }[leaf.has];
    }
    case 'tier':
      return `tier is ${named(leaf.tier_ids, n.tiers, l)}`;
    case 'points':
      return `points balance ${rangeEn(leaf.min, leaf.max, String)}`;
    case 'stored_value':
      return `stored value ${rangeEn(leaf.min, leaf.max, yuan)}`;
    case 'rfm_group':
      return `RFM group is ${leaf.in.map((g) => RFM_GROUP_NAMES[g].en).join(l)}`;
    case 'lifecycle':
      return `lifecycle stage is ${leaf.in.map((s) => LIFECYCLE_NAMES[s].en).join(l)}`;
    case 'rfm_score':
      return `${leaf.score.toUpperCase()} score ${rangeEn(leaf.min, leaf.max, String)}`;
    case 'orders': {
      if (leaf.max === 0 && !leaf.min) return `no orders ${windowEn(leaf, 'ever')}`;
      const min = leaf.min ?? (leaf.max === undefined ? 1 : undefined);
      return `${rangeEn(min, leaf.max, (k) => `${k} order${k === 1 ? '' : 's'}`)} ${windowEn(leaf)}`;
    }
    case 'spend':
      return `spent ${rangeEn(leaf.min, leaf.max, yuan)} ${windowEn(leaf)}`;
    case 'category': {
      const extra = [
        leaf.min_orders ? ` at least ${leaf.min_orders} times` : '',
        leaf.min_spend ? ` for at least ${yuan(leaf.min_spend)}` : '',
      ].join('');
      return `bought ${named(leaf.codes, n.categories, l)}${extra} ${windowEn(leaf, 'ever')}`;
    }
    case 'sku':
      return `bought ${named(leaf.sku_ids, n.skus, l)} ${windowEn(leaf, 'ever')}`;
    case 'store':
      return `ordered at ${named(leaf.store_ids, n.stores, l)} ${windowEn(leaf, 'ever')}`;
    default: {
      const never: never = leaf;
      return String(never);
    }
  }
}
