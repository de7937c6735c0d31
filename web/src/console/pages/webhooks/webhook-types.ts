export interface CatalogueEntry {
  type: string;
  zh: string;
  en: string;
}

export interface Subscription {
  id: string;
  name: string;
  url: string;
  event_types: string[];
  active: boolean;
  created_at: string;
  updated_at: string;
  secret?: string;
}

export interface Delivery {
  id: string;
  subscription_id: string | null;
  subscription_name: string | null;
  event_id: string | null;
  event_type: string | null;
  status: 'pending' | 'retrying' | 'sent' | 'dead' | 'skipped';
  attempts: number;
  status_code: number | null;
  last_error: string | null;
  next_attempt_at: string;
  sent_at: string | null;
  created_at: string;
}
