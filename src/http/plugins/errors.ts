import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, translatePgError } from '../../db/pg-errors.ts';
import type { ErrorCode } from '../../lib/error-codes.ts';
import { DomainError, errorMessage, type Locale } from '../../lib/errors.ts';

export function requestLocale(request: FastifyRequest): Locale {
  const lang = request.headers['accept-language'];
  return typeof lang === 'string' && /^en\b/i.test(lang) ? 'en' : 'zh-CN';
}

function send(
  reply: FastifyReply,
  locale: Locale,
  code: ErrorCode,
  status: number,
  field?: string,
  params?: Record<string, unknown>,
) {
  return reply.code(status).send({
    error: {
      code,
      message: errorMessage(code, locale),
      ...(field ? { field } : {}),
      ...(params ? { params } : {}),
    },
  });
}

/** JSON pointer `/identities/0/kind` → `identities.0.kind`; a missing property is named too. */
function fieldOf(error: FastifyError): string | undefined {
  const first = error.validation?.[0] as
    | { instancePath?: string; params?: Record<string, unknown> }
    | undefined;
  if (!first) return undefined;
  const path = (first.instancePath ?? '').split('/').filter(Boolean);
  const extra =
    first.params?.additionalProperties ??
    first.params?.missingProperty ??
    first.params?.requiredProperties;
  if (typeof extra === 'string') path.push(extra);
  if (Array.isArray(extra) && typeof extra[0] === 'string') path.push(extra[0]);
  return path.join('.') || error.validationContext;
}

const statusCodes: Record<string, ErrorCode> = {
  FST_REQ_FILE_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_PARTS_LIMIT: 'request.too_large',
  FST_FILES_LIMIT: 'request.too_large',
};

/** The one place errors become responses: `{ error: { code, message, field } }`. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw, request, reply) => {
    const locale = requestLocale(request);
    const error = translatePgError(raw);
    if (error instanceof DomainError)
      return send(reply, locale, error.code, error.status, error.field, error.params);
    const fe = error as FastifyError;
    if (fe.validation)
      return send(reply, locale, 'request.invalid', 400, fieldOf(fe), { detail: fe.message });
    const mapped = fe.code ? statusCodes[fe.code] : undefined;
    if (mapped) return send(reply, locale, mapped, 413);
    if (fe.statusCode === 429) return send(reply, locale, 'request.rate_limited', 429);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(reply, locale, 'request.invalid', fe.statusCode, undefined, {
        detail: fe.message,
      });
    }
    if (isDatabaseUnavailable(raw)) {
      request.log.warn({ err: raw }, 'database unavailable');
      return send(reply.header('retry-after', '5'), locale, 'service.unavailable', 503);
    }
    request.log.error({ err: raw }, 'unhandled error');
    return send(reply, locale, 'internal.error', 500);
  });
}
