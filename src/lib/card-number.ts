import { randomInt } from 'node:crypto';

/**
 * Card numbers: the merchant's prefix, random digits, one Luhn check digit, 16 digits in all.
 * Random rather than sequential, so registrations never queue on a counter row and numbers
 * cannot be guessed from one another; the unique index catches the rare collision.
 */
export function generateCardNumber(prefix: string): string {
  let body = prefix;
  while (body.length < 15) body += String(randomInt(10));
  return body + luhnCheckDigit(body);
}

export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isValidCardNumber(cardNo: string): boolean {
  return /^\d{8,19}$/.test(cardNo) && luhnCheckDigit(cardNo.slice(0, -1)) === cardNo.slice(-1);
}
