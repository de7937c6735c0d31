import type { Locale } from '../lib/errors.ts';
import type { Permission } from './tenancy/permissions.ts';
import type { Role } from './tenancy/tenancy.table.ts';

export interface Actor {
  kind: 'staff' | 'api_key' | 'system' | 'member';
  id: string | null;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
}

/** Built once per request, job or command; core reads time only from `now`. */
export interface Ctx {
  merchantId: string;
  storeId?: string;
  actor: Actor;
  now: Date;
  locale: Locale;
}
