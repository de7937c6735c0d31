import { describe, expect, it } from 'vitest';
import {
  MEMBER_CODE_TTL_SECONDS,
  readMemberCode,
  signMemberCode,
  verifyMemberCode,
} from './member-code.ts';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const merchant = '0190f1d2-0000-7000-8000-000000000001';
const member = '0190f1d2-0000-7000-8000-0000000000aa';

describe('dynamic member code', () => {
  const now = new Date('2026-11-25T08:00:00Z');
  const { code } = signMemberCode(member, merchant, now, secret);

  it('identifies the member while fresh', () => {
    expect(verifyMemberCode(code, merchant, now, secret)).toBe(member);
    expect(
      verifyMemberCode(
        code,
        merchant,
        new Date(now.getTime() + (MEMBER_CODE_TTL_SECONDS - 1) * 1000),
        secret,
      ),
    ).toBe(member);
  });

  it('refuses a screenshot from yesterday, another merchant, and a tampered code', () => {
    expect(
      verifyMemberCode(code, merchant, new Date(now.getTime() + 86_400_000), secret),
    ).toBeUndefined();
    expect(
      verifyMemberCode(code, '0190f1d2-0000-7000-8000-000000000002', now, secret),
    ).toBeUndefined();
    const tampered = `${code.slice(0, 5)}${code[5] === 'A' ? 'B' : 'A'}${code.slice(6)}`;
    expect(verifyMemberCode(tampered, merchant, now, secret)).toBeUndefined();
    expect(verifyMemberCode('garbage', merchant, now, secret)).toBeUndefined();
  });

  it('every code minted carries its own nonce, so using one up leaves the next valid', () => {
    const a = signMemberCode(member, merchant, now, secret).code;
    const b = signMemberCode(member, merchant, now, secret).code;
    expect(a).not.toBe(b);
    const claimA = readMemberCode(a, merchant, now, secret);
    const claimB = readMemberCode(b, merchant, now, secret);
    expect(claimA).toMatchObject({ member_id: member });
    expect(claimA!.nonce).not.toBe(claimB!.nonce);
    expect(claimA!.expires_at.getTime()).toBe(now.getTime() + MEMBER_CODE_TTL_SECONDS * 1000);
  });
});
