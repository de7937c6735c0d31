import type { Generated, Selectable } from 'kysely';

export type OtpPurpose = 'sign_in' | 'payment_password';

/** A one-time code sent to a phone: stored hashed, used once. */
export interface MemberOtpTable {
  merchant_id: string;
  id: string;
  phone: string;
  purpose: OtpPurpose;
  code_hash: string;
  expires_at: Date;
  attempts: Generated<number>;
  /** set when the fifth wrong code is entered: the phone may not sign in until then */
  locked_until: Date | null;
  consumed_at: Date | null;
  created_at: Date;
}

/** A member page session; `member_id` is null while the phone is no member yet. */
export interface MemberSessionTable {
  token_hash: string;
  merchant_id: string;
  phone: string;
  member_id: string | null;
  store_id: string | null;
  expires_at: Date;
  created_at: Date;
}

export type PrivacyRequestKind = 'export' | 'erasure';
export type PrivacyRequestStatus = 'open' | 'done' | 'refused';

export interface MemberPrivacyRequestTable {
  merchant_id: string;
  id: string;
  member_id: string;
  kind: PrivacyRequestKind;
  status: Generated<PrivacyRequestStatus>;
  created_at: Date;
  decided_at: Date | null;
}

/** A recharge started on the member page, waiting for its payment to be confirmed. */
export interface MemberPaymentTable {
  merchant_id: string;
  id: string;
  member_id: string;
  plan_id: string;
  amount_fen: number;
  provider: string;
  provider_ref: string | null;
  status: Generated<'pending' | 'completed'>;
  recharge_id: string | null;
  store_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}

export type MemberPaymentRow = Selectable<MemberPaymentTable>;
export type MemberOtpRow = Selectable<MemberOtpTable>;
export type MemberSessionRow = Selectable<MemberSessionTable>;
export type MemberPrivacyRequestRow = Selectable<MemberPrivacyRequestTable>;
