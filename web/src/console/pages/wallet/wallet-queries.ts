import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type {
  MembershipStatus,
  MemberTierStatus,
  PointsStatement,
  RechargeSummary,
  Wallet,
  WalletPayment,
} from '../../wire-types.ts';

/** A member's loyalty reads, all under ['member', id] so one invalidation refreshes the page. */
export const useWallet = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'wallet'],
    queryFn: () => api.get<Wallet>(`/members/${memberId}/wallet`),
  });

export const useRecharges = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'recharges'],
    queryFn: () => api.get<RechargeSummary[]>(`/members/${memberId}/recharges`),
  });

export const useWalletPayments = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'payments'],
    queryFn: () => api.get<WalletPayment[]>(`/members/${memberId}/wallet/payments`),
  });

export const usePointsStatement = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'points'],
    queryFn: () => api.get<PointsStatement>(`/members/${memberId}/points`),
  });

export const useMemberTier = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'tier'],
    queryFn: () => api.get<MemberTierStatus>(`/members/${memberId}/tier`),
  });

export const useMembershipStatus = (memberId: string) =>
  useQuery({
    queryKey: ['member', memberId, 'membership'],
    queryFn: () => api.get<MembershipStatus>(`/members/${memberId}/membership`),
  });
