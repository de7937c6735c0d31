import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as uuidParse, stringify as uuidStringify } from 'uuid';

/** A code lives one minute: long enough to scan at a till, too short for a screenshot to work later. */
export const MEMBER_CODE_TTL_SECONDS = 60;
const MAC_BYTES = 12;

const keyFor = (secret: string, merchantId: string) =>
  createHmac('sha256', secret).update(`member-code:${merchantId}`).digest();

const mac = (key: Buffer, payload: Buffer) =>
  createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

/** The dynamic member code: member id and expiry, signed with a per-merchant key. */
export function signMemberCode(memberId: string, merchantId: string, now: Date, secret: string) {
  const expiresAt = Math.floor(now.getTime() / 1000) + MEMBER_CODE_TTL_SECONDS;
  const payload = Buffer.alloc(20);
  Buffer.from(uuidParse(memberId)).copy(payload, 0);
  payload.writeUInt32BE(expiresAt, 16);
  const code = Buffer.concat([payload, mac(keyFor(secret, merchantId), payload)]).toString(
    'base64url',
  );
  return { code, expires_at: new Date(expiresAt * 1000) };
}

/** The member id of a valid, unexpired code of this merchant; `undefined` for anything else. */
export function verifyMemberCode(
  code: string,
  merchantId: string,
  now: Date,
  secret: string,
): string | undefined {
  const raw = Buffer.from(code, 'base64url');
  if (raw.length !== 20 + MAC_BYTES) return undefined;
  const payload = raw.subarray(0, 20);
  if (!timingSafeEqual(raw.subarray(20), mac(keyFor(secret, merchantId), payload)))
    return undefined;
  if (payload.readUInt32BE(16) * 1000 < now.getTime()) return undefined;
  return uuidStringify(payload.subarray(0, 16));
}
