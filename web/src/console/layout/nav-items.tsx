import {
  ApiOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  CrownOutlined,
  GiftOutlined,
  IdcardOutlined,
  ShopOutlined,
  ShoppingOutlined,
  TeamOutlined,
  UserOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';

export interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  permission: string;
}

/** The built capabilities; an item shows only when the caller holds its permission. */
export const navItems: NavItem[] = [
  { path: '/members', label: 'nav.members', icon: <TeamOutlined />, permission: 'members.read' },
  {
    path: '/imports',
    label: 'nav.imports',
    icon: <CloudUploadOutlined />,
    permission: 'imports.run',
  },
  { path: '/stores', label: 'nav.stores', icon: <ShopOutlined />, permission: 'stores.admin' },
  { path: '/staff', label: 'nav.staff', icon: <UserOutlined />, permission: 'staff.admin' },
  { path: '/api-keys', label: 'nav.apiKeys', icon: <ApiOutlined />, permission: 'api_keys.admin' },
  // loyalty economy (issue 4); labels avoid "会员"/"Members" so each menu name stays unique
  { path: '/tiers', label: 'nav.tiers', icon: <CrownOutlined />, permission: 'loyalty.admin' },
  {
    path: '/points-rules',
    label: 'nav.pointsRules',
    icon: <GiftOutlined />,
    permission: 'loyalty.admin',
  },
  { path: '/mall', label: 'nav.mall', icon: <ShoppingOutlined />, permission: 'loyalty.admin' },
  {
    path: '/recharge-plans',
    label: 'nav.rechargePlans',
    icon: <WalletOutlined />,
    permission: 'loyalty.admin',
  },
  {
    path: '/paid-plans',
    label: 'nav.paidPlans',
    icon: <IdcardOutlined />,
    permission: 'loyalty.admin',
  },
  {
    path: '/reports/liability',
    label: 'nav.liability',
    icon: <BarChartOutlined />,
    permission: 'reports.read',
  },
];
