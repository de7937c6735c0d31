import { sql } from 'kysely';
import { validate as isUuid } from 'uuid';
import { DomainError } from './errors.ts';

/** Where a newest-first page of (created_at, id) stopped: opaque to clients. */
export interface TimeCursor {
  at: Date;
  id: string;
}

export const encodeTimeCursor = (c: TimeCursor) =>
  Buffer.from(JSON.stringify([c.at.toISOString(), c.id])).toString('base64url');

/** A cursor we did not write (or whose id is not a UUID) is a 400 naming `cursor`. */
export function decodeTimeCursor(raw: string): TimeCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown[];
    const date = new Date(String(at));
    if (typeof id === 'string' && isUuid(id) && !Number.isNaN(date.getTime()))
      return { at: date, id };
  } catch {}
  throw new DomainError('request.cursor_invalid', { field: 'cursor' });
}

/** The rows after `raw` in a newest-first (created_at desc, id desc) list: `.where(…)` it. */
export function beforeTimeCursor(raw: string, at = 'created_at', id = 'id') {
  const after = decodeTimeCursor(raw);
  return sql<boolean>`(${sql.ref(at)}, ${sql.ref(id)}) < (${after.at}, ${after.id})`;
}

/** The page of `limit` rows out of `limit + 1` fetched, and the cursor after its last row. */
export function timePage<T extends { created_at: Date; id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next_cursor:
      rows.length > limit && last ? encodeTimeCursor({ at: last.created_at, id: last.id }) : null,
  };
}
