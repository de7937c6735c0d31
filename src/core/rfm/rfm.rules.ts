import type { Lifecycle, RfmGroup } from './rfm.table.ts';

/** A score at or above this is "high": with quintile scores, the upper three fifths. */
export const HIGH_SCORE = 3;

/** The eight classic groups by (R high, F high, M high). */
export const RFM_GROUPS: readonly { group: RfmGroup; r: boolean; f: boolean; m: boolean }[] = [
  { group: 'important_value', r: true, f: true, m: true },
  { group: 'important_develop', r: true, f: false, m: true },
  { group: 'important_keep', r: false, f: true, m: true },
  { group: 'important_retain', r: false, f: false, m: true },
  { group: 'general_value', r: true, f: true, m: false },
  { group: 'general_develop', r: true, f: false, m: false },
  { group: 'general_keep', r: false, f: true, m: false },
  { group: 'general_retain', r: false, f: false, m: false },
];

export const RFM_GROUP_NAMES: Record<RfmGroup, { zh: string; en: string }> = {
  important_value: { zh: '重要价值客户', en: 'Champions (high R, F, M)' },
  important_develop: { zh: '重要发展客户', en: 'Promising big spenders (high R, M; low F)' },
  important_keep: { zh: '重要保持客户', en: 'Loyal big spenders slipping (high F, M; low R)' },
  important_retain: { zh: '重要挽留客户', en: 'Big spenders to win back (high M; low R, F)' },
  general_value: { zh: '一般价值客户', en: 'Frequent small spenders (high R, F; low M)' },
  general_develop: { zh: '一般发展客户', en: 'Recent newcomers (high R; low F, M)' },
  general_keep: { zh: '一般保持客户', en: 'Frequent but slipping (high F; low R, M)' },
  general_retain: { zh: '一般挽留客户', en: 'Low-value, slipping (low R, F, M)' },
};

export const LIFECYCLES: readonly Lifecycle[] = ['new', 'active', 'core', 'dormant', 'churned'];

export const LIFECYCLE_NAMES: Record<Lifecycle, { zh: string; en: string }> = {
  new: { zh: '新客', en: 'New' },
  active: { zh: '活跃', en: 'Active' },
  core: { zh: '核心', en: 'Core' },
  dormant: { zh: '沉睡', en: 'Dormant' },
  churned: { zh: '流失', en: 'Churned' },
};
