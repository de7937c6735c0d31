import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../lib/errors.ts';

/** The dotted path of the first string under `value` that holds a NUL byte, if any. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nulPath(item, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold a NUL byte (it fails the statement: a 500), and no name, phone or
 * search ever needs one: any string in the query, the path or a JSON body that has one is a
 * 400 `request.invalid` naming the field, before the schema or the handler sees it.
 */
export function refuseNulBytes(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['query', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const) {
      const field = nulPath(value, '');
      if (field !== undefined)
        throw new DomainError('request.invalid', {
          field: field || part,
          params: { detail: `NUL byte in ${part}` },
        });
    }
  });
}
