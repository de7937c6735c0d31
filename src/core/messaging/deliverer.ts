import type { Db } from '../../db/database.ts';
import type { Channel, OutboxMessageRow } from './outbox.table.ts';

/** `retryable`: a timeout, a 5xx or a network error; a 4xx or a bad setting is final. */
export interface DeliveryResult {
  ok: boolean;
  retryable: boolean;
  status_code?: number;
  error?: string;
}

/** Hands one outbox row to its channel's provider; never throws (a throw counts as retryable). */
export type Deliverer = (db: Db, message: OutboxMessageRow, now: Date) => Promise<DeliveryResult>;

export type DelivererMap = Partial<Record<Channel, Deliverer>>;

/** An HTTP answer as a delivery result: 2xx sent, 408/429/5xx retried, any other status final. */
export function httpResult(status: number, body: string): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true, retryable: false, status_code: status };
  const retryable = status >= 500 || status === 408 || status === 429;
  return {
    ok: false,
    retryable,
    status_code: status,
    error: `HTTP ${status}: ${body.slice(0, 200)}`,
  };
}

/** A thrown fetch (timeout, refused connection) is retried. */
export function thrownResult(e: unknown): DeliveryResult {
  const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { ok: false, retryable: true, error: error.slice(0, 300) };
}
