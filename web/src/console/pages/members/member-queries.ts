import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { MemberDetail } from '../../wire-types.ts';

export const memberKey = (id: string) => ['member', id] as const;

export function useMemberDetail(id: string | undefined) {
  return useQuery({
    queryKey: memberKey(id ?? ''),
    queryFn: () => api.get<MemberDetail>(`/members/${id}`),
    enabled: Boolean(id),
  });
}
