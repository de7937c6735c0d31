/**
 * Property: for random rule trees over a random small order history, at random instants,
 * countSegment equals a plain evaluation of the rule over the raw orders (the oracle).
 */
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { type FixtureOrder, insertOrders } from '../../../test/marketing-orders.ts';
import type { Db } from '../../db/database.ts';
import type { SegmentLeaf, SegmentRule } from './segment.schema.ts';
import { countSegment } from './segment-query.service.ts';

const DAY = 86_400_000;
const BASE = Date.parse('2026-10-01T00:00:00Z');
const GENDERS = ['male', 'female', 'unknown'] as const;

interface Person {
  gender: (typeof GENDERS)[number];
  orders: FixtureOrder[];
}

const days = fc.integer({ min: 1, max: 400 });
const small = fc.integer({ min: 0, max: 5 });
const fen = fc.integer({ min: 0, max: 12_000 });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const clean = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const leaf: fc.Arbitrary<SegmentLeaf> = fc
  .oneof(
    fc.record({
      field: fc.constant('gender' as const),
      in: fc.uniqueArray(fc.constantFrom(...GENDERS), { minLength: 1, maxLength: 2 }),
    }),
    fc
      .record({
        field: fc.constant('orders' as const),
        days: optional(days),
        min: optional(small),
        max: optional(small),
      })
      .map(clean),
    fc.record({
      field: fc.constant('orders' as const),
      days,
      min: fc.integer({ min: 30, max: 40 }),
    }),
    fc
      .record({
        field: fc.constant('spend' as const),
        days: optional(days),
        min: optional(fen),
        max: optional(fen),
      })
      .filter((l) => l.min !== undefined || l.max !== undefined)
      .map(clean),
    fc
      .record({
        field: fc.constant('category' as const),
        codes: fc.uniqueArray(fc.constantFrom('cake', 'tea'), { minLength: 1, maxLength: 2 }),
        days: optional(days),
        min_orders: optional(fc.integer({ min: 1, max: 3 })),
        min_spend: optional(fen),
      })
      .map(clean),
  )
  .filter((l) => !('min' in l && 'max' in l && l.min! > l.max!)) as fc.Arbitrary<SegmentLeaf>;

const { rule } = fc.letrec<{ rule: SegmentRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      op: fc.constantFrom('and' as const, 'or' as const),
      rules: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ op: fc.constant('not' as const), rule: tie('rule') }),
  ),
}));
const depthOf = (r: SegmentRule): number =>
  'rules' in r ? 1 + Math.max(...r.rules.map(depthOf)) : 'rule' in r ? 1 + depthOf(r.rule) : 1;

const order = fc.record({
  ago: fc.integer({ min: 0, max: 500 }),
  dueFen: fc.integer({ min: 100, max: 5_000 }),
  refund: fc.constantFrom('none', 'none', 'none', 'partial', 'full'),
  category: fc.constantFrom('cake', 'tea', undefined),
});
const person = fc.record({
  gender: fc.constantFrom(...GENDERS),
  orders: fc.array(order, { maxLength: 6 }),
  // a regular with more orders than the facts keep times of
  regular: fc.boolean(),
});

type PersonInput = typeof person extends fc.Arbitrary<infer T> ? T : never;

function toOrders(memberId: string, p: PersonInput): FixtureOrder[] {
  const extra = p.regular
    ? Array.from({ length: 34 }, (_, i) => ({
        ago: i * 3,
        dueFen: 100,
        refund: 'none',
        category: 'tea',
      }))
    : [];
  return [...p.orders, ...extra].map((o) => ({
    memberId,
    paidAt: new Date(BASE - o.ago * DAY - 3_600_000),
    dueFen: o.dueFen,
    category: o.category,
    ...(o.refund === 'partial'
      ? { status: 'partially_refunded' as const, refundedFen: Math.floor(o.dueFen / 2) }
      : {}),
    ...(o.refund === 'full' ? { status: 'refunded' as const, refundedFen: o.dueFen } : {}),
  }));
}

/** The rule evaluated over one member's raw orders at `now`. */
function matches(r: SegmentRule, p: Person, now: number): boolean {
  if ('rules' in r)
    return r.op === 'and'
      ? r.rules.every((x) => matches(x, p, now))
      : r.rules.some((x) => matches(x, p, now));
  if ('rule' in r) return !matches(r.rule, p, now);
  const counted = p.orders.filter((o) => o.status !== 'refunded');
  const inWindow = (l: { days?: number }) =>
    counted.filter((o) => l.days === undefined || o.paidAt.getTime() >= now - l.days * DAY);
  const within = (v: number, min?: number, max?: number) =>
    (min === undefined || v >= min) && (max === undefined || v <= max);
  switch (r.field) {
    case 'gender':
      return r.in.includes(p.gender);
    case 'orders':
      return within(inWindow(r).length, r.min ?? (r.max === undefined ? 1 : 0), r.max);
    case 'spend':
      return within(
        inWindow(r).reduce((s, o) => s + o.dueFen - (o.refundedFen ?? 0), 0),
        r.min,
        r.max,
      );
    case 'category': {
      const bought = inWindow(r).filter((o) => o.category && r.codes.includes(o.category));
      const spend = bought.reduce((s, o) => s + o.dueFen, 0);
      return bought.length >= (r.min_orders ?? 1) && spend >= (r.min_spend ?? 0);
    }
    default:
      throw new Error(`oracle lacks ${r.field}`);
  }
}

let db: Db;
beforeAll(async () => {
  ({ db } = await testDb());
});

test('countSegment equals a scan of the orders for random rules at random instants', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(person, { minLength: 2, maxLength: 6 }),
      fc.array(
        fc.tuple(
          rule.filter((r) => depthOf(r) <= 3),
          fc.integer({ min: -120, max: 30 }),
        ),
        { minLength: 4, maxLength: 8 },
      ),
      async (people, cases) => {
        const merchant = await createTestMerchant(db);
        const ctx = merchant.ctx('owner', new Date(BASE));
        const persons: Person[] = [];
        for (const p of people) {
          const member = await createMember(db, ctx, { gender: p.gender });
          persons.push({ gender: p.gender, orders: toOrders(member.id, p) });
        }
        await insertOrders(
          db,
          ctx,
          persons.flatMap((p) => p.orders),
        );
        for (const [r, shift] of cases) {
          const now = BASE + shift * DAY + 7_200_000;
          const expected = persons.filter((p) => matches(r, p, now)).length;
          const actual = await countSegment(db, merchant.ctx('owner', new Date(now)), r);
          expect({ rule: r, shift, count: actual }).toEqual({ rule: r, shift, count: expected });
        }
      },
    ),
    { numRuns: 10 },
  );
}, 240_000);
