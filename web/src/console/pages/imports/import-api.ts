import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ImportErrorPage, ImportJob, ImportStatus } from '../../wire-types.ts';

export const TARGET_FIELDS = [
  'phone',
  'name',
  'gender',
  'birthday',
  'card_no',
  'principal',
  'bonus',
  'points',
  'tier',
  'store',
  'registered_at',
] as const;

export const ORDER_TARGET_FIELDS = [
  'order_no',
  'channel',
  'paid_at',
  'store',
  'phone',
  'card_no',
  'amount',
  'sku',
  'category',
  'quantity',
  'line_amount',
] as const;

/** The target fields of a job's kind with their label keys. */
export const targetFieldsOf = (kind: ImportJob['kind']) =>
  kind === 'orders'
    ? ORDER_TARGET_FIELDS.map((f) => ({ field: f, label: `orderImport.field.${f}` }))
    : TARGET_FIELDS.map((f) => ({ field: f, label: `importField.${f}` }));

/** Whether a mapping has what the dry run needs (the server says the same with a 400). */
export function mappingComplete(kind: ImportJob['kind'], mapping: Record<string, string | null>) {
  const has = (t: string) => Object.values(mapping).includes(t);
  if (kind === 'members') return has('phone');
  return (
    has('order_no') &&
    has('paid_at') &&
    has('store') &&
    (has('amount') || has('line_amount')) &&
    (has('phone') || has('card_no'))
  );
}

const RUNNING: ImportStatus[] = ['dry_running', 'committing'];

/** One import job; polled every second while the server works on it. */
export function useImportJob(id: string | undefined) {
  return useQuery({
    queryKey: ['import', id],
    queryFn: () => api.get<ImportJob>(`/imports/${id}`),
    enabled: Boolean(id),
    refetchInterval: (query) =>
      query.state.data && RUNNING.includes(query.state.data.status) ? 1000 : false,
  });
}

/** Every row error of a finished dry run, each with its line, a page at a time. */
export function useImportErrors(job: ImportJob) {
  return useInfiniteQuery({
    queryKey: ['import-errors', job.id, job.status],
    queryFn: ({ pageParam }) =>
      api.get<ImportErrorPage>(`/imports/${job.id}/errors`, { cursor: pageParam, limit: 500 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: job.bad_rows > 0 && !RUNNING.includes(job.status),
  });
}

export const downloadBadRows = (job: ImportJob) =>
  api.download(`/imports/${job.id}/errors.csv`, undefined, `${job.file_name}.errors.csv`);
