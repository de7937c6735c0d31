import type { ErrorCode } from '../lib/error-codes.ts';
import { DomainError } from '../lib/errors.ts';

interface PgError {
  code: string;
  constraint?: string;
}

const isPgError = (e: unknown): e is PgError =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string' && 'severity' in e;

/** Constraint names that mean a client mistake, each with its domain error. */
const constraintErrors: Record<string, { code: ErrorCode; field?: string }> = {
  member_phone: { code: 'member.phone_taken', field: 'phone' },
  member_identity_merchant_id_kind_value_key: { code: 'member.identity_taken', field: 'value' },
  staff_login_key: { code: 'staff.login_taken', field: 'login' },
  store_merchant_id_code_key: { code: 'store.code_taken', field: 'code' },
  custom_field_merchant_id_key_key: { code: 'custom_field.key_taken', field: 'key' },
  ledger_balance_balance_check: { code: 'ledger.insufficient_balance' },
  tag_merchant_id_name_key: { code: 'tag.name_taken', field: 'name' },
  tag_group_merchant_id_name_key: { code: 'tag.group_name_taken', field: 'name' },
  segment_merchant_id_name_key: { code: 'segment.name_taken', field: 'name' },
  rfm_setting_check: { code: 'rfm.thresholds_invalid', field: 'dormant_days' },
};

/** Translates a PostgreSQL constraint error into its DomainError; anything else passes through. */
export function translatePgError(error: unknown): unknown {
  if (!isPgError(error) || !error.constraint) return error;
  const mapped = constraintErrors[error.constraint];
  return mapped ? new DomainError(mapped.code, mapped.field ? { field: mapped.field } : {}) : error;
}

export const isUniqueViolation = (e: unknown, constraint?: string): boolean =>
  isPgError(e) && e.code === '23505' && (constraint === undefined || e.constraint === constraint);

export const isSerializationFailure = (e: unknown): boolean =>
  isPgError(e) && (e.code === '40001' || e.code === '40P01');

/** Node-level failures of a connection to a server that is away (down, restarting, unreachable). */
const connectionFailures = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
]);

/**
 * Whether an error means the database is away rather than the request being wrong: the server
 * shut down or is starting up (class 57P), the connection broke (class 08), or could not be made.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (/^57P0[1-3]$/.test(code) || code.startsWith('08'))) return true;
  if (typeof code === 'string' && connectionFailures.has(code)) return true;
  const message = (e as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      message,
    )
  );
}
