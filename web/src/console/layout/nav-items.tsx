import {
  ApiOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  CalculatorOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  CrownOutlined,
  GiftOutlined,
  HomeOutlined,
  IdcardOutlined,
  MessageOutlined,
  NotificationOutlined,
  PieChartOutlined,
  ProfileOutlined,
  ShareAltOutlined,
  ShopOutlined,
  ShoppingOutlined,
  SolutionOutlined,
  SwapOutlined,
  TagOutlined,
  TagsOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';

export interface NavItem {
  path: string;
  label: string;
  icon: ReactNode;
  /** shown when the caller holds any of these */
  permissions: string[];
}

export interface NavGroup {
  key: string;
  label: string;
  items: NavItem[];
}

export const homeItem: NavItem = {
  path: '/',
  label: 'nav.home',
  icon: <HomeOutlined />,
  permissions: ['reports.read'],
};

/**
 * The menu as Chinese merchant back offices group it: 会员 · 营销 · 数据 · 设置. Labels stay
 * unique as substrings of each other ("会员" heads a group, its list is "会员列表") so a
 * search by name finds one item.
 */
export const navGroups: NavGroup[] = [
  {
    key: 'members',
    label: 'nav.groups.members',
    items: [
      // the cashier's page: selling needs wallet.pay (orders), looking members up members.read
      {
        path: '/till',
        label: 'till.nav',
        icon: <CalculatorOutlined />,
        permissions: ['wallet.pay'],
      },
      {
        path: '/members',
        label: 'nav.members',
        icon: <TeamOutlined />,
        permissions: ['members.read'],
      },
      {
        path: '/imports',
        label: 'nav.imports',
        icon: <CloudUploadOutlined />,
        permissions: ['imports.run'],
      },
      {
        path: '/tiers',
        label: 'nav.tiers',
        icon: <CrownOutlined />,
        permissions: ['loyalty.admin'],
      },
      {
        path: '/paid-plans',
        label: 'nav.paidPlans',
        icon: <IdcardOutlined />,
        permissions: ['loyalty.admin'],
      },
    ],
  },
  {
    key: 'marketing',
    label: 'nav.groups.marketing',
    items: [
      // marketers run the campaigns on this page and read the rules; managers set the rules
      {
        path: '/points-rules',
        label: 'nav.pointsRules',
        icon: <GiftOutlined />,
        permissions: ['loyalty.admin', 'campaigns.admin'],
      },
      {
        path: '/mall',
        label: 'nav.mall',
        icon: <ShoppingOutlined />,
        permissions: ['loyalty.admin', 'campaigns.admin'],
      },
      {
        path: '/recharge-plans',
        label: 'nav.rechargePlans',
        icon: <WalletOutlined />,
        permissions: ['loyalty.admin'],
      },
      {
        path: '/coupons',
        label: 'coupons.nav',
        icon: <TagsOutlined />,
        permissions: ['campaigns.admin', 'loyalty.operate'],
      },
      // every issued coupon (券记录): read by every role, codes whole only for loyalty.operate
      {
        path: '/coupon-records',
        label: 'coupons.recordsNav',
        icon: <ProfileOutlined />,
        permissions: ['members.read'],
      },
      {
        path: '/campaigns',
        label: 'campaigns.nav',
        icon: <NotificationOutlined />,
        permissions: ['campaigns.admin'],
      },
      {
        path: '/automation',
        label: 'automation.nav',
        icon: <ThunderboltOutlined />,
        permissions: ['automation.admin'],
      },
      {
        path: '/messaging',
        label: 'nav.messaging',
        icon: <MessageOutlined />,
        permissions: ['messaging.admin'],
      },
      {
        path: '/tags',
        label: 'tags.nav',
        icon: <TagOutlined />,
        permissions: ['campaigns.admin'],
      },
      {
        path: '/segments',
        label: 'segments.nav',
        icon: <ClusterOutlined />,
        permissions: ['campaigns.admin'],
      },
      {
        path: '/referral',
        label: 'referral.nav',
        icon: <ShareAltOutlined />,
        permissions: ['loyalty.admin', 'reports.read'],
      },
      // every role works its own guide tasks (导购); managers hand them out
      {
        path: '/guide-tasks',
        label: 'guides.nav',
        icon: <SolutionOutlined />,
        permissions: ['members.read'],
      },
    ],
  },
  {
    key: 'data',
    label: 'nav.groups.data',
    items: [
      {
        path: '/reports/liability',
        label: 'nav.liability',
        icon: <BarChartOutlined />,
        permissions: ['reports.read'],
      },
      {
        path: '/rfm',
        label: 'rfm.nav',
        icon: <PieChartOutlined />,
        permissions: ['reports.read'],
      },
      {
        path: '/reports/settlement',
        label: 'settlement.nav',
        icon: <SwapOutlined />,
        permissions: ['reports.read'],
      },
    ],
  },
  {
    key: 'settings',
    label: 'nav.groups.settings',
    items: [
      {
        path: '/catalogue',
        label: 'catalogue.nav',
        icon: <AppstoreOutlined />,
        permissions: ['loyalty.admin'],
      },
      {
        path: '/stores',
        label: 'nav.stores',
        icon: <ShopOutlined />,
        permissions: ['stores.admin'],
      },
      { path: '/staff', label: 'nav.staff', icon: <UserOutlined />, permissions: ['staff.admin'] },
      {
        path: '/api-keys',
        label: 'nav.apiKeys',
        icon: <ApiOutlined />,
        permissions: ['api_keys.admin'],
      },
      {
        path: '/webhooks',
        label: 'nav.webhooks',
        icon: <ApiOutlined />,
        permissions: ['webhooks.admin'],
      },
    ],
  },
];

/** The groups with only the items `can` reaches; a group left empty is dropped. */
export function reachableNav(can: (permission: string) => boolean) {
  const reaches = (item: NavItem) => item.permissions.some(can);
  return {
    home: reaches(homeItem) ? homeItem : undefined,
    groups: navGroups
      .map((group) => ({ ...group, items: group.items.filter(reaches) }))
      .filter((group) => group.items.length > 0),
  };
}

/** The item a location belongs to: the longest path that prefixes it ('/' only exactly). */
export function currentItem(pathname: string): string | undefined {
  if (pathname === '/') return '/';
  const paths = navGroups.flatMap((group) => group.items.map((item) => item.path));
  return paths
    .filter((path) => pathname === path || pathname.startsWith(`${path}/`))
    .sort((a, b) => b.length - a.length)[0];
}
