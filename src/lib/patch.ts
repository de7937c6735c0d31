/** Every field of a body, each marked as copied to the row (`true`) or handled by the caller. */
export type Columns<T> = { readonly [K in keyof Required<T>]: boolean };

type Copied<T, C> = { [K in keyof C]: C[K] extends true ? K : never }[keyof C] & keyof T;

/**
 * The columns a PATCH may write, named: only fields the body actually set and `columns` marks
 * `true` are copied, so an update never spreads a body into a row (a body cannot carry
 * `merchant_id` or any other column in, even if a schema were left open). `columns` must name
 * every field of the body, so a field added to a schema cannot be dropped silently: the
 * compiler asks where it goes.
 */
export function pickDefined<T extends object, const C extends Columns<T>>(
  input: T,
  columns: C,
): Partial<Pick<T, Copied<T, C>>> {
  const picked: Partial<Pick<T, Copied<T, C>>> = {};
  for (const key of Object.keys(columns) as (keyof C & keyof T)[]) {
    if (columns[key] === true && input[key] !== undefined)
      (picked as Record<keyof T, unknown>)[key] = input[key];
  }
  return picked;
}
