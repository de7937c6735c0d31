import { type Static, Type } from 'typebox';
import { Body, Nullable, Page, Timestamp, Uuid } from '../../lib/schema.ts';
import { importTargets } from './import.table.ts';

const Target = Type.Union(importTargets.map((t) => Type.Literal(t)));

export const DryRunBody = Body({
  mapping: Type.Optional(
    Type.Record(Type.String(), Nullable(Target), {
      description:
        'file header → target field (null: ignore the column); patched over the suggestion',
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
    }),
  ),
  error: Nullable(Type.String()),
  created_at: Timestamp,
  finished_at: Nullable(Timestamp),
});
export type ImportJob = Static<typeof ImportJob>;
