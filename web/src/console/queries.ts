import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { CustomField, Store } from './wire-types.ts';

/** Stores change rarely; one cached list serves filters, forms and tables. */
export function useStores() {
  const query = useQuery({
    queryKey: ['stores'],
    queryFn: () => api.get<Store[]>('/stores'),
    staleTime: 60_000,
  });
  const stores = query.data ?? [];
  const nameOf = (id: string | null | undefined) =>
    id ? (stores.find((s) => s.id === id)?.name ?? '—') : '—';
  return { ...query, stores, nameOf };
}

export function useCustomFields() {
  return useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => api.get<CustomField[]>('/custom-fields'),
    staleTime: 60_000,
  });
}

/** The merchant's settings as GET /merchant gives them (the campaign pages read the cap). */
export function useMerchant(enabled = true) {
  return useQuery({
    queryKey: ['merchant'],
    queryFn: () => api.get<{ campaign_cap: { max: number; days: number } | null }>('/merchant'),
    enabled,
  });
}
