import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a signed request stays acceptable to a receiver: older ones are replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const digest = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * The `Regulars-Signature` header of an outgoing webhook: `t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "t.body">`. The timestamp is inside the MAC, so a receiver that refuses old timestamps is
 * safe from replays of a captured request.
 */
export function signBody(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${digest(secret, t, body)}`;
}

/** What a receiver does with the header: true only for a matching MAC within the tolerance. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  now: Date,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isSafeInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(digest(secret, t, body), 'hex'));
}
