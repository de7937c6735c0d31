import { type ErrorCode, errorCodes } from './error-codes.ts';

export type Locale = 'zh-CN' | 'en';

/** The one error type of the domain; the HTTP layer renders it, a transaction rolls back on it. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly params: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: { field?: string; params?: Record<string, unknown> } = {}) {
    super(code);
    this.name = 'DomainError';
    this.code = code;
    this.field = options.field;
    this.params = options.params;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }
}

export function errorMessage(code: ErrorCode, locale: Locale): string {
  const entry = errorCodes[code];
  return locale === 'en' ? entry.en : entry.zh;
}

/**
 * The one find-or-404: a row the caller's merchant does not have is `code` (a `*.not_found`),
 * with the body `field` that named it when the id came from a body.
 */
export function assertFound<T>(value: T | undefined | null, code: ErrorCode, field?: string): T {
  if (value === undefined || value === null) throw new DomainError(code, field ? { field } : {});
  return value;
}
