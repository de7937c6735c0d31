import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { ImportJob, ImportStatus } from '../../wire-types.ts';

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

export const downloadBadRows = (job: ImportJob) =>
  api.download(`/imports/${job.id}/errors.csv`, undefined, `${job.file_name}.errors.csv`);
