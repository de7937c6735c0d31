import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCardNumber, isValidCardNumber, luhnCheckDigit } from './card-number.ts';
import { maskPhone, normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['138 0013 8000', '+8613800138000'],
    ['+86 13800138000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['0086-138-0013-8000', '+8613800138000'],
    ['13800138000', '+8613800138000'],
  ])('accepts %s as a mainland mobile', (input, expected) => {
    expect(normalizePhone(input, false)).toBe(expected);
  });

  it.each(['12800138000', '1380013800', '138001380001', '+1 415 555 0100', 'abc', ''])(
    'refuses %s by default',
    (input) => {
      expect(normalizePhone(input, false)).toBeUndefined();
    },
  );

  it('accepts foreign E.164 numbers only when the merchant allows them', () => {
    expect(normalizePhone('+1 415 555 0100', true)).toBe('+14155550100');
    expect(normalizePhone('0044 20 7946 0958', true)).toBe('+442079460958');
    expect(normalizePhone('+86 12800138000', true)).toBeUndefined();
  });

  it('is idempotent on its own output (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (second, rest) => {
          const phone = `1${second}${String(rest).padStart(9, '0')}`;
          const normal = normalizePhone(phone, false)!;
          expect(normalizePhone(normal, false)).toBe(normal);
        },
      ),
    );
  });

  it('masks the middle digits', () => {
    expect(maskPhone('+8613800138000')).toBe('138****8000');
    expect(maskPhone(null)).toBeNull();
  });
});

describe('card numbers', () => {
  it('generates 16 digits with the prefix and a valid Luhn digit (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{2,6}$/), (prefix) => {
        const card = generateCardNumber(prefix);
        expect(card).toHaveLength(16);
        expect(card.startsWith(prefix)).toBe(true);
        expect(isValidCardNumber(card)).toBe(true);
      }),
    );
  });

  it('detects a mistyped digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(isValidCardNumber('79927398713')).toBe(true);
    expect(isValidCardNumber('79927398714')).toBe(false);
  });
});
