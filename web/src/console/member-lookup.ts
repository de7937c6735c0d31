/** A scanned member code is a long base64url string, a phone 11 digits, anything else a card. */
export function lookupQuery(text: string): Record<string, string> {
  const value = text.trim();
  if (/^[A-Za-z0-9_-]{40,128}$/.test(value)) return { code: value };
  if (/^(\+?86)?1\d{10}$/.test(value)) return { phone: value };
  return { card_no: value };
}
