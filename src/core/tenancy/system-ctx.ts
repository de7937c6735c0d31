import type { Ctx } from '../context.ts';
import { permissions } from './permissions.ts';

/** The context of the system itself: jobs, the CLI, demo seeding. */
export const systemCtx = (merchantId: string, now: Date): Ctx => ({
  merchantId,
  actor: { kind: 'system', id: null, role: null, permissions: new Set(permissions) },
  now,
  locale: 'zh-CN',
});
