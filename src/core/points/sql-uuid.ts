import { sql } from 'kysely';

/**
 * A UUIDv7 made by PostgreSQL, for set-based inserts where no application code runs per row
 * (expiry, tier review). Same layout as `newId()`: 48-bit Unix milliseconds, then the random
 * bits of a v4 with its version nibble turned from 4 into 7 (set_bit counts bits from the
 * right within each byte). Portable to PostgreSQL 15–18 (no `uuidv7()`).
 */
export const sqlUuidV7 = sql<string>`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
  placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
  from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;
