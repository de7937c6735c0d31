import { LogoutOutlined, MenuOutlined, ReadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Layout, Menu, type MenuProps, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { currentItem, reachableNav } from './nav-items.tsx';
import './responsive.css';

const NavDrawer = lazy(() => import('./NavDrawer.tsx'));

// antd's lg breakpoint: a laptop or a tablet held landscape keeps the menu beside the page,
// a phone or a tablet held upright opens it as a drawer
const WIDE = '(min-width: 992px)';
const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(WIDE);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};
const useWide = () => useSyncExternalStore(subscribe, () => window.matchMedia(WIDE).matches);

function useMenuItems(): MenuProps['items'] {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { home, groups } = reachableNav(can);
  return [
    ...(home ? [{ key: home.path, icon: home.icon, label: t(home.label) }] : []),
    ...groups.map((group) => ({
      type: 'group' as const,
      key: group.key,
      label: t(group.label),
      children: group.items.map((item) => ({
        key: item.path,
        icon: item.icon,
        label: t(item.label),
      })),
    })),
  ];
}

export function ConsoleLayout() {
  const { t } = useTranslation();
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const wide = useWide();
  const [drawerOpen, setDrawerOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the drawer
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  const items = useMenuItems();
  const selected = currentItem(location.pathname);
  const brand = (
    <div style={{ padding: '18px 20px', fontWeight: 700, fontSize: 18, color: '#c2410c' }}>
      {t('app.name')}
    </div>
  );
  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selected ? [selected] : []}
      onClick={({ key }) => {
        setDrawerOpen(false);
        navigate(key);
      }}
      style={{ borderInlineEnd: 0 }}
      data-testid="nav-menu"
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {wide ? (
        <Layout.Sider theme="light" width={200} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          {brand}
          {menu}
        </Layout.Sider>
      ) : (
        <Suspense>
          <NavDrawer open={drawerOpen} onClose={() => setDrawerOpen(false)} title={brand}>
            {menu}
          </NavDrawer>
        </Suspense>
      )}
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: wide ? '0 24px' : '0 8px 0 4px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 8,
            lineHeight: 'normal',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Space size={4} style={{ minWidth: 0, flexWrap: 'nowrap' }}>
            {!wide && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('nav.openMenu')}
                onClick={() => setDrawerOpen(true)}
                data-testid="nav-toggle"
              />
            )}
            <Typography.Text strong ellipsis data-testid="merchant-name">
              {me?.merchant.name}
            </Typography.Text>
          </Space>
          <Space size={wide ? 'middle' : 'small'} style={{ flexWrap: 'nowrap' }}>
            <LanguageSwitch />
            <a href="/docs" target="_blank" rel="noreferrer" title={t('nav.apiDocs')}>
              <ReadOutlined /> {wide && t('nav.apiDocs')}
            </a>
            <Button
              icon={<LogoutOutlined />}
              aria-label={t('nav.logout')}
              onClick={async () => {
                await signOut();
                queryClient.clear();
                navigate('/login');
              }}
            >
              {wide && t('nav.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: wide ? 24 : 12, minWidth: 0 }}>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
