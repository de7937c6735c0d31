import {
  ApiOutlined,
  CloudUploadOutlined,
  ShopOutlined,
  TeamOutlined,
  UserOutlined,
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
];
