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
