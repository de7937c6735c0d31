import { ApiError } from '../../api.ts';
import type { CommitBody, Order } from '../../wire-types.ts';
import { commitSale, isNetworkError } from './till-api.ts';

/**
 * Sales entered while the server is unreachable wait here (localStorage survives a reload) and
 * are replayed oldest first, each with the Idempotency-Key it was given when it was entered: a
 * replay whose answer was lost is simply replayed again and the server returns the same order.
 * A payment password is never stored, so a balance payment cannot be queued.
 */
export interface QueuedSale {
  key: string;
  body: CommitBody;
  queued_at: string;
}

export interface RefusedSale extends QueuedSale {
  code: string;
  message: string;
}

const QUEUE_KEY = 'regulars.till.queue';
const REFUSED_KEY = 'regulars.till.refused';

const read = <T>(name: string): T[] => {
  try {
    return JSON.parse(localStorage.getItem(name) ?? '[]') as T[];
  } catch {
    return [];
  }
};
const write = (name: string, rows: unknown[]) => localStorage.setItem(name, JSON.stringify(rows));

export const queuedSales = () => read<QueuedSale>(QUEUE_KEY);
export const refusedSales = () => read<RefusedSale>(REFUSED_KEY);
export const clearRefused = () => write(REFUSED_KEY, []);

export function enqueueSale(key: string, body: CommitBody): void {
  const queue = queuedSales();
  if (!queue.some((q) => q.key === key))
    write(QUEUE_KEY, [...queue, { key, body, queued_at: new Date().toISOString() }]);
}

const drop = (key: string) =>
  write(
    QUEUE_KEY,
    queuedSales().filter((q) => q.key !== key),
  );

let replaying: Promise<Order[]> | null = null;

/**
 * Sends the queue in order and stops at the first sale that gets no answer (still offline).
 * A refusal (4xx) leaves the queue for the refused list: the cashier must settle it by hand.
 */
export function replayQueue(): Promise<Order[]> {
  replaying ??= (async () => {
    const done: Order[] = [];
    try {
      for (const sale of queuedSales()) {
        try {
          done.push(await commitSale(sale.body, sale.key));
        } catch (error) {
          if (isNetworkError(error) || (error instanceof ApiError && error.status >= 500)) break;
          const code = error instanceof ApiError ? error.code : 'http.error';
          write(REFUSED_KEY, [
            ...refusedSales(),
            { ...sale, code, message: error instanceof Error ? error.message : String(error) },
          ]);
        }
        drop(sale.key);
      }
    } finally {
      replaying = null;
    }
    return done;
  })();
  return replaying;
}
