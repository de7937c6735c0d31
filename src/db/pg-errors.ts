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
