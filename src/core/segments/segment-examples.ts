import type { SegmentRule } from './segment.schema.ts';

/** Scenario S5: at least 3 orders in the last 180 days and none in the last 60 (lapsing regulars). */
export const S5_RULE: SegmentRule = {
  op: 'and',
  rules: [
    { field: 'orders', days: 180, min: 3 },
    { field: 'orders', days: 60, max: 0 },
  ],
};
