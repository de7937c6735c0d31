import type { Generated, Selectable } from 'kysely';

/** An integrator's endpoint: which event types it gets, signed with its own secret. */
export interface WebhookSubscriptionTable {
  merchant_id: string;
  id: string;
  name: string;
  url: string;
  /** in clear: the server signs every delivery with it; never returned after creation/rotation */
  secret: string;
  event_types: string[];
  active: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** Something that happened, as integrators see it: `payload` is the envelope's `data`. */
export interface WebhookEventTable {
  merchant_id: string;
  id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionTable>;
export type WebhookEventRow = Selectable<WebhookEventTable>;
