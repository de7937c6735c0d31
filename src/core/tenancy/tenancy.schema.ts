import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

/** The JSON shapes of the tenancy routes (stores, staff, API keys, the caller), for OpenAPI and web. */
export const Store = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
  created_at: Timestamp,
});
export type Store = Static<typeof Store>;

export const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('manager'),
  Type.Literal('cashier'),
  Type.Literal('marketer'),
]);

export const Staff = Type.Object({
  id: Uuid,
  login: Type.String(),
  display_name: Type.String(),
  role: Role,
  store_id: Nullable(Uuid),
  active: Type.Boolean(),
  created_at: Timestamp,
});
export type Staff = Static<typeof Staff>;

export const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  created_at: Timestamp,
  last_used_at: Nullable(Timestamp),
  revoked_at: Nullable(Timestamp),
});
export type ApiKey = Static<typeof ApiKey>;

export const StaffView = Type.Object({
  id: Uuid,
  login: Type.String(),
  display_name: Type.String(),
  role: Type.String(),
  store_id: Nullable(Uuid),
});

export const LoginResult = Type.Object({
  token: Type.String(),
  expires_at: Timestamp,
  staff: StaffView,
});
export type LoginResult = Static<typeof LoginResult>;

export const Me = Type.Object({
  actor: Type.Object({
    kind: Type.String(),
    id: Nullable(Uuid),
    role: Nullable(Type.String()),
    permissions: Type.Array(Type.String()),
  }),
  merchant: Type.Object({
    id: Uuid,
    name: Type.String(),
    time_zone: Type.String(),
    currency: Type.String(),
    card_prefix: Type.String(),
  }),
  failed_logins_since_last_login: Type.Integer({
    description:
      'Wrong passwords tried on this staff account between its previous login and the one that opened this session (0 for API keys)',
  }),
  last_failed_login_at: Nullable(Timestamp),
});
export type Me = Static<typeof Me>;
