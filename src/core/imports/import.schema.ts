import { type Static, Type } from 'typebox';
import { Body, Nullable, Page, Timestamp, Uuid } from '../../lib/schema.ts';
import { importTargets, orderTargets } from './import.table.ts';

const Target = Type.Union(
  [...new Set([...importTargets, ...orderTargets])].map((t) => Type.Literal(t)),
);

export const DryRunBody = Body({
  mapping: Type.Optional(
    Type.Record(Type.String(), Nullable(Target), {
      description:
        'file header → target field (null: ignore the column); patched over the suggestion; the targets of the job kind only',
    }),
  ),
  award: Type.Optional(
    Type.Boolean({
      description:
        'order files only: the imported orders earn points and growth as online orders do (default false: they award nothing)',
    }),
  ),
});
export type DryRunBody = Static<typeof DryRunBody>;

const Status = Type.Union([
  Type.Literal('uploaded'),
  Type.Literal('dry_running'),
  Type.Literal('dry_run_done'),
  Type.Literal('committing'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);

const RowError = Type.Object({
  line: Type.Integer({ description: 'the line (CSV) or row (XLSX) as the file shows it' }),
  column: Type.String(),
  code: Type.String(),
  message: Type.String(),
});

export const ImportErrorPage = Page(RowError);

export const ImportErrorsQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const ImportJob = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('members'), Type.Literal('orders')]),
  award: Type.Boolean({ description: 'orders: whether the commit awards points and growth' }),
  status: Status,
  file_name: Type.String(),
  encoding: Type.String({ description: 'utf8 | gbk | gb18030 (detected unless given)' }),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
  headers: Type.Array(Type.String()),
  mapping: Type.Record(Type.String(), Nullable(Type.String())),
  sample_rows: Type.Array(Type.Array(Type.String()), { description: 'the first 5 data rows' }),
  total_rows: Type.Integer({ description: 'data rows; an estimate while the dry run reads' }),
  processed_rows: Type.Integer(),
  ok_rows: Type.Integer(),
  bad_rows: Type.Integer(),
  new_members: Type.Integer(),
  existing_members: Type.Integer(),
  duplicate_rows: Type.Integer(),
  errors: Type.Array(RowError, {
    description: 'the first 100 row errors; every one in GET /imports/{id}/errors and errors.csv',
  }),
  duplicates: Type.Array(
    Type.Object({
      line: Type.Integer(),
      phone: Type.String({ description: 'masked without members.pii' }),
      kind: Type.Union([Type.Literal('in_file'), Type.Literal('existing')]),
      rule: Type.String(),
    }),
    { description: 'the first 100 duplicate rows with the merge rule applied to each' },
  ),
  merge_rule: Type.String(),
  committed: Nullable(
    Type.Object({
      members_created: Type.Integer(),
      members_filled: Type.Integer(),
      identities_linked: Type.Integer(),
      entries_posted: Type.Integer(),
      orders_created: Type.Optional(Type.Integer()),
      lines_created: Type.Optional(Type.Integer()),
      orders_awarded: Type.Optional(Type.Integer()),
    }),
  ),
  orders: Nullable(
    Type.Object(
      {
        orders: Type.Integer({ description: 'orders the commit will write' }),
        lines: Type.Integer(),
        existing_orders: Type.Integer({
          description: 'already imported (same channel and order number): skipped',
        }),
        members: Type.Integer(),
        guest_orders: Type.Integer(),
        amount_fen: Type.Integer(),
      },
      { description: 'an order file’s dry run: what the commit writes' },
    ),
  ),
  error: Nullable(Type.String()),
  created_at: Timestamp,
  finished_at: Nullable(Timestamp),
});
export type ImportJob = Static<typeof ImportJob>;
