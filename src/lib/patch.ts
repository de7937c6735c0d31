/**
 * The columns a PATCH may write, named: only `keys` the body actually set are copied, so an
 * update never spreads a body into a row (a body cannot carry `merchant_id` or any other column
 * in, even if a schema were left open).
 */
export function pickDefined<T extends object, K extends keyof T>(
  input: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (input[key] !== undefined) picked[key] = input[key];
  return picked;
}
