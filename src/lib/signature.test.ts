import { expect, test } from 'vitest';
import { signBody, verifySignature } from './signature.ts';

const now = new Date('2026-12-02T08:00:00Z');
const later = (s: number) => new Date(now.getTime() + s * 1000);

test('a signed body verifies within the tolerance and not after it', () => {
  const header = signBody('s3cret', '{"a":1}', now);
  expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(verifySignature('s3cret', header, '{"a":1}', later(299))).toBe(true);
  expect(verifySignature('s3cret', header, '{"a":1}', later(301))).toBe(false);
});

test('another secret, another body or a forged header is refused', () => {
  const header = signBody('s3cret', '{"a":1}', now);
  expect(verifySignature('other', header, '{"a":1}', now)).toBe(false);
  expect(verifySignature('s3cret', header, '{"a":2}', now)).toBe(false);
  expect(verifySignature('s3cret', 'v1=zz', '{"a":1}', now)).toBe(false);
  const moved = header.replace(/t=(\d+)/, (_, t) => `t=${Number(t) + 1}`);
  expect(verifySignature('s3cret', moved, '{"a":1}', now)).toBe(false);
});
