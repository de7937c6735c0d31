import { isDeepStrictEqual } from 'node:util';
import type { Compilable, CompiledQuery } from 'kysely';

/** Stands in for a value while a statement is built for its shape. */
class Slot {
  constructor(readonly name: string) {}
}

/** Under the tests every statement is also built from its real values, and must come out the same. */
const CHECK = process.env.VITEST !== undefined;

/**
 * A hot statement built and compiled once per shape, then sent with each call's values: on the
 * checkout's paths Kysely's building and compiling cost the server more than the round trip.
 * `build` gets stand-ins for `values` and may only pass them to the query as values (never
 * test, compute with or spread them); every choice that changes the SQL text belongs in `shape`,
 * whose flags are the cache key. Lists go in as one array value (`= any(…)`), not as `in (…)`.
 */
export function compiledOnce<
  S extends Record<string, boolean>,
  V extends Record<string, unknown>,
  R,
>(build: (shape: S, values: V) => Compilable<R>): (shape: S, values: V) => CompiledQuery<R> {
  const shapes = new Map<string, CompiledQuery<R>>();
  return (shape, values) => {
    const key = Object.entries(shape)
      .map(([k, v]) => (v ? k : ''))
      .join();
    let compiled = shapes.get(key);
    if (!compiled) {
      const slots = Object.fromEntries(Object.keys(values).map((k) => [k, new Slot(k)]));
      compiled = build(shape, slots as V).compile();
      shapes.set(key, compiled);
    }
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? values[p.name] : p));
    const query = { ...compiled, parameters };
    if (CHECK) {
      const direct = build(shape, values).compile();
      if (direct.sql !== query.sql || !isDeepStrictEqual(direct.parameters, parameters))
        throw new Error(`compiledOnce: the statement's shape depends on more than ${key}`);
    }
    return query;
  };
}
