import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type {
  Category,
  MembershipPlan,
  PointsCampaign,
  PointsRules,
  RechargePlan,
  Reward,
  Tier,
  TierSetting,
  WalletSetting,
} from '../../wire-types.ts';

/** Setup lists change rarely and are read by several pages; one cached copy each. */
const setup = { staleTime: 30_000 };

export function useTiers() {
  const query = useQuery({
    queryKey: ['tiers'],
    queryFn: () => api.get<Tier[]>('/tiers'),
    ...setup,
  });
  const tiers = query.data ?? [];
  const tierName = (id: string | null | undefined) =>
    id ? (tiers.find((tier) => tier.id === id)?.name ?? '—') : '—';
  return { ...query, tiers, tierName };
}

export const useTierSetting = () =>
  useQuery({
    queryKey: ['tiers', 'settings'],
    queryFn: () => api.get<TierSetting>('/tiers/settings'),
    ...setup,
  });

export const usePointsRules = () =>
  useQuery({
    queryKey: ['points', 'rules'],
    queryFn: () => api.get<PointsRules>('/points/rules'),
    ...setup,
  });

export const usePointsCampaigns = () =>
  useQuery({
    queryKey: ['points', 'campaigns'],
    queryFn: () => api.get<PointsCampaign[]>('/points/campaigns'),
    ...setup,
  });

/**
 * The catalogue's product categories as select options (name and code), for the points rules,
 * campaigns and coupon scopes: a category is chosen from the list, never typed.
 */
export function useCategoryOptions(): { value: string; label: string }[] {
  const categories = useQuery({
    queryKey: ['catalogue', 'categories'],
    queryFn: () => api.get<Category[]>('/catalogue/categories'),
    ...setup,
  }).data;
  return (categories ?? []).map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }));
}

export const useRewards = (available?: boolean) =>
  useQuery({
    queryKey: ['mall', 'rewards', available ?? 'all'],
    queryFn: () => api.get<Reward[]>('/mall/rewards', available ? { available } : undefined),
    ...setup,
  });

export const useRechargePlans = (active?: boolean) =>
  useQuery({
    queryKey: ['recharge-plans', active ?? 'all'],
    queryFn: () =>
      api.get<RechargePlan[]>('/recharge-plans', active === undefined ? undefined : { active }),
    ...setup,
  });

export const useMembershipPlans = () =>
  useQuery({
    queryKey: ['membership-plans'],
    queryFn: () => api.get<MembershipPlan[]>('/membership/plans'),
    ...setup,
  });

export const useWalletSetting = () =>
  useQuery({
    queryKey: ['wallet', 'settings'],
    queryFn: () => api.get<WalletSetting>('/wallet/settings'),
    ...setup,
  });
