import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as uuidParse, stringify as uuidStringify } from 'uuid';

/**
 * The dynamic member code. Who may mint one: only the member's own channel (the member page,
 * or an integrator's member app holding the `members.code` scope), never the till, which only
 * verifies codes. A code identifies the member for a minute and authorises one payment: its
 * nonce is recorded by the payment (`member_code_use`), so it cannot pay twice.
 */
export const MEMBER_CODE_TTL_SECONDS = 60;
const MAC_BYTES = 12;
const NONCE_BYTES = 6;
const PAYLOAD_BYTES = 16 + 4 + NONCE_BYTES;

const keyFor = (secret: string, merchantId: string) =>
  createHmac('sha256', secret).update(`member-code:${merchantId}`).digest();

const mac = (key: Buffer, payload: Buffer) =>
  createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

/** Member id, expiry and a random nonce, signed with a per-merchant key. */
export function signMemberCode(memberId: string, merchantId: string, now: Date, secret: string) {
  const expiresAt = Math.floor(now.getTime() / 1000) + MEMBER_CODE_TTL_SECONDS;
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  Buffer.from(uuidParse(memberId)).copy(payload, 0);
  payload.writeUInt32BE(expiresAt, 16);
  randomBytes(NONCE_BYTES).copy(payload, 20);
  const code = Buffer.concat([payload, mac(keyFor(secret, merchantId), payload)]).toString(
    'base64url',
  );
  return { code, expires_at: new Date(expiresAt * 1000) };
}

export interface MemberCodeClaim {
  member_id: string;
  /** what a payment records so the code pays once */
  nonce: string;
  expires_at: Date;
}

/** The claim of a valid, unexpired code of this merchant; `undefined` for anything else. */
export function readMemberCode(
  code: string,
  merchantId: string,
  now: Date,
  secret: string,
): MemberCodeClaim | undefined {
  const raw = Buffer.from(code, 'base64url');
  if (raw.length !== PAYLOAD_BYTES + MAC_BYTES) return undefined;
  const payload = raw.subarray(0, PAYLOAD_BYTES);
  if (!timingSafeEqual(raw.subarray(PAYLOAD_BYTES), mac(keyFor(secret, merchantId), payload)))
    return undefined;
  const expiresAt = payload.readUInt32BE(16) * 1000;
  if (expiresAt < now.getTime()) return undefined;
  return {
    member_id: uuidStringify(payload.subarray(0, 16)),
    nonce: payload.subarray(16).toString('base64url'),
    expires_at: new Date(expiresAt),
  };
}

/** The member id of a valid, unexpired code of this merchant (a lookup, not a payment). */
export const verifyMemberCode = (code: string, merchantId: string, now: Date, secret: string) =>
  readMemberCode(code, merchantId, now, secret)?.member_id;
