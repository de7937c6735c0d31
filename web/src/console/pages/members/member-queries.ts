import { useQuery } from '@tanstack/react-query';
import { api, type MemberDetail } from '../../api.ts';

export const memberKey = (id: string) => ['member', id] as const;

export function useMemberDetail(id: string | undefined) {
  return useQuery({
    queryKey: memberKey(id ?? ''),
    queryFn: () => api.get<MemberDetail>(`/members/${id}`),
    enabled: Boolean(id),
  });
}
