export interface Landing {
  merchant: { id: string; name: string };
  store: { id: string; name: string } | null;
}

export interface Card {
  member_id: string;
  card_no: string;
  name: string | null;
  birthday: string | null;
  marketing_consent: boolean;
  tier: { id: string; name: string } | null;
  next_tier: { id: string; name: string } | null;
  qualifying_value: number;
  missing: number;
  basis: string;
  points: number;
  points_expiring: { points: number; expires_at: string }[];
  principal_fen: number;
  bonus_fen: number;
  bonus_pending_fen: number;
  bonus_parts: {
    amount_fen: number;
    remaining_fen: number;
    available_from: string;
    expires_at: string | null;
    state: string;
  }[];
  payment_password_set: boolean;
  paid_member: boolean;
  paid_until: string | null;
}

export interface Me {
  phone: string;
  member_id: string | null;
  store_id: string | null;
  card: Card | null;
}
