import type { OutboxMessageRow } from '../outbox.table.ts';

/** The rendered title and body an outbox row carries (rendered when it was written). */
export function messageText(row: OutboxMessageRow): { title: string; body: string } {
  const p = (row.payload ?? {}) as { title?: unknown; body?: unknown };
  return { title: String(p.title ?? ''), body: String(p.body ?? '') };
}

/** What the log provider writes, and the shape of any development log line. */
export interface MessageLog {
  info: (fields: Record<string, unknown>, message: string) => void;
}
