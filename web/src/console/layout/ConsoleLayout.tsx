import { LogoutOutlined, ReadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { navItems } from './nav-items.tsx';

export function ConsoleLayout() {
  const { t } = useTranslation();
  const { me, can, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const items = navItems
    .filter((item) => can(item.permission))
    .map((item) => ({ key: item.path, icon: item.icon, label: t(item.label) }));
  const selected = navItems.find((item) => location.pathname.startsWith(item.path))?.path;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={200}>
        <div style={{ padding: '18px 20px', fontWeight: 700, fontSize: 18, color: '#c2410c' }}>
          {t('app.name')}
        </div>
        <Menu
          mode="inline"
          items={items}
          selectedKeys={selected ? [selected] : []}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Typography.Text strong data-testid="merchant-name">
            {me?.merchant.name}
          </Typography.Text>
          <Space size="middle">
            <LanguageSwitch />
            <a href="/docs" target="_blank" rel="noreferrer">
              <ReadOutlined /> {t('nav.apiDocs')}
            </a>
            <Button
              icon={<LogoutOutlined />}
              onClick={async () => {
                await signOut();
                queryClient.clear();
                navigate('/login');
              }}
            >
              {t('nav.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
