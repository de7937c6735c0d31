import { useQuery } from '@tanstack/react-query';
import { Button, ConfigProvider, NavBar, SpinLoading, TabBar } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { lazy, Suspense, useState } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { api, base, getToken, merchantId, storeId } from './api.ts';
import { getLang, toggleLang, useT } from './i18n.ts';
import { CardPage } from './pages/CardPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import type { Landing } from './types.ts';

const CouponsPage = lazy(() => import('./pages/CouponsPage.tsx'));
const MallPage = lazy(() => import('./pages/MallPage.tsx'));
const RechargePage = lazy(() => import('./pages/RechargePage.tsx'));
const SharePage = lazy(() => import('./pages/SharePage.tsx'));
const InboxPage = lazy(() => import('./pages/InboxPage.tsx'));
const SettingsPage = lazy(() => import('./pages/SettingsPage.tsx'));

const tabs = [
  { key: '', title: 'card' },
  { key: 'coupons', title: 'coupons' },
  { key: 'mall', title: 'mall' },
  { key: 'inbox', title: 'inbox' },
  { key: 'settings', title: 'settings' },
] as const;

export function App() {
  const t = useT();
  const [signedIn, setSignedIn] = useState(() => getToken() !== null);
  const landing = useQuery({
    queryKey: ['landing', merchantId, storeId],
    queryFn: () =>
      api<Landing>('GET', `/member/m/${merchantId}${storeId ? `?store_id=${storeId}` : ''}`),
  });
  const location = useLocation();
  const navigate = useNavigate();
  const page = location.pathname.slice(base.length + 1).split('/')[0] ?? '';
  const title = landing.data
    ? `${landing.data.merchant.name}${landing.data.store ? ` · ${landing.data.store.name}` : ''}`
    : '';
  if (landing.isError)
    return <div style={{ padding: 32, textAlign: 'center' }}>{t('not_found')}</div>;
  return (
    <ConfigProvider locale={getLang() === 'en' ? enUS : zhCN}>
      <div style={{ minHeight: '100vh', paddingBottom: 56 }}>
        <NavBar
          backIcon={false}
          right={
            <Button size="mini" fill="none" onClick={toggleLang}>
              {t('language')}
            </Button>
          }
        >
          {title}
        </NavBar>
        {!signedIn ? (
          <SignInPage onSignedIn={() => setSignedIn(true)} />
        ) : (
          <Suspense fallback={<SpinLoading style={{ margin: '48px auto' }} />}>
            <Routes>
              <Route path="/m/:merchant/coupons" element={<CouponsPage />} />
              <Route path="/m/:merchant/mall" element={<MallPage />} />
              <Route path="/m/:merchant/recharge" element={<RechargePage />} />
              <Route path="/m/:merchant/share" element={<SharePage />} />
              <Route path="/m/:merchant/inbox" element={<InboxPage />} />
              <Route
                path="/m/:merchant/settings"
                element={<SettingsPage onSignedOut={() => setSignedIn(false)} />}
              />
              <Route path="*" element={<CardPage />} />
            </Routes>
          </Suspense>
        )}
        {signedIn && (
          <div style={{ position: 'fixed', bottom: 0, left: 0, right: 0, background: '#fff' }}>
            <TabBar
              activeKey={tabs.some((x) => x.key === page) ? page : ''}
              onChange={(key) => navigate(key ? `${base}/${key}` : base)}
            >
              {tabs.map((tab) => (
                <TabBar.Item key={tab.key} title={t(tab.title)} />
              ))}
            </TabBar>
          </div>
        )}
      </div>
    </ConfigProvider>
  );
}
