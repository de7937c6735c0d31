export type TagKind = 'manual' | 'rule' | 'interaction';

export interface TagGroup {
  id: string;
  name: string;
  color: string;
  sort: number;
}

export interface TagView {
  id: string;
  group_id: string | null;
  name: string;
  kind: TagKind;
  rule: unknown;
  interaction: string | null;
  active: boolean;
  member_count: number;
  refreshed_at: string | null;
}

export const INTERACTIONS = [
  'sign_in',
  'share',
  'campaign_open',
  'campaign_click',
  'coupon_claim',
] as const;

export type Template = 'category' | 'inactive' | 'spend' | 'frequency';
export const TEMPLATES: Template[] = ['category', 'inactive', 'spend', 'frequency'];

export interface TemplateValues {
  template: Template;
  codes?: string[];
  days?: number;
  yuan?: number;
  count?: number;
}

/** The segment rule a template stands for (docs/tags.md): marketers never write the JSON. */
export function ruleOf(v: TemplateValues): object {
  switch (v.template) {
    case 'category':
      return { field: 'category', codes: v.codes ?? [], days: v.days };
    case 'inactive':
      return { field: 'orders', days: v.days, max: 0 };
    case 'spend':
      return { field: 'spend', min: Math.round((v.yuan ?? 0) * 100) };
    case 'frequency':
      return { field: 'orders', days: v.days, min: v.count };
  }
}
