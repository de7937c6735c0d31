import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';

export const OUTCOMES = ['reached', 'booked', 'no_answer', 'declined', 'other'] as const;
export const KINDS = ['call', 'message', 'invite_back', 'birthday', 'follow_up'] as const;

export interface GuideTask {
  id: string;
  staff_id: string;
  staff_name: string;
  member_id: string;
  member_name: string | null;
  member_card_no: string;
  member_phone: string | null;
  kind: (typeof KINDS)[number];
  title: string;
  script: string | null;
  due_at: string;
  status: 'open' | 'done' | 'cancelled';
  outcome: (typeof OUTCOMES)[number] | null;
  note: string | null;
  done_at: string | null;
}

export interface Guide {
  id: string;
  display_name: string;
  role: string;
  store_id: string | null;
  members: number;
  open_tasks: number;
}

/** Staff who may guide (guides.admin only). */
export function useGuides(enabled = true) {
  return useQuery({
    queryKey: ['guides'],
    queryFn: async () => (await api.get<{ items: Guide[] }>('/guides')).items,
    enabled,
    staleTime: 30_000,
  });
}
