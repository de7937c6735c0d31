import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api.ts';
import { AuthProvider, RequireAuth, useAuth } from './auth.tsx';
import { ConsoleLayout } from './layout/ConsoleLayout.tsx';

const LoginPage = lazy(() => import('./pages/login/LoginPage.tsx'));
const HomePage = lazy(() => import('./pages/home/HomePage.tsx'));
const MembersPage = lazy(() => import('./pages/members/MembersPage.tsx'));
const MemberDetailPage = lazy(() => import('./pages/members/MemberDetailPage.tsx'));
const ImportsPage = lazy(() => import('./pages/imports/ImportsPage.tsx'));
const ImportWizardPage = lazy(() => import('./pages/imports/ImportWizardPage.tsx'));
const StoresPage = lazy(() => import('./pages/stores/StoresPage.tsx'));
const StaffPage = lazy(() => import('./pages/staff/StaffPage.tsx'));
const ApiKeysPage = lazy(() => import('./pages/api-keys/ApiKeysPage.tsx'));
const WebhooksPage = lazy(() => import('./pages/webhooks/WebhooksPage.tsx'));
const MessagingPage = lazy(() => import('./pages/messaging/MessagingPage.tsx'));
const TiersPage = lazy(() => import('./pages/loyalty/TiersPage.tsx'));
const PointsRulesPage = lazy(() => import('./pages/loyalty/PointsRulesPage.tsx'));
const MallPage = lazy(() => import('./pages/loyalty/MallPage.tsx'));
const MembershipPlansPage = lazy(() => import('./pages/loyalty/MembershipPlansPage.tsx'));
const RechargePlansPage = lazy(() => import('./pages/wallet/RechargePlansPage.tsx'));
const LiabilityReportPage = lazy(() => import('./pages/reports/LiabilityReportPage.tsx'));
const TillPage = lazy(() => import('./pages/till/TillPage.tsx'));
const CataloguePage = lazy(() => import('./pages/catalogue/CataloguePage.tsx'));
const SettlementPage = lazy(() => import('./pages/reports/SettlementPage.tsx'));
const ReferralPage = lazy(() => import('./pages/referral/ReferralPage.tsx'));
const CouponsPage = lazy(() => import('./pages/coupons/CouponsPage.tsx'));
const CouponRecordsPage = lazy(() => import('./pages/coupons/CouponRecordsPage.tsx'));
const GuideTasksPage = lazy(() => import('./pages/guides/GuideTasksPage.tsx'));
const CampaignsPage = lazy(() => import('./pages/campaigns/CampaignsPage.tsx'));
const CampaignDetailPage = lazy(() => import('./pages/campaigns/CampaignDetailPage.tsx'));
const TagsPage = lazy(() => import('./pages/tags/TagsPage.tsx'));
const SegmentsPage = lazy(() => import('./pages/segments/SegmentsPage.tsx'));
const AutomationsPage = lazy(() => import('./pages/automation/AutomationsPage.tsx'));
const AutomationDetailPage = lazy(() => import('./pages/automation/AutomationDetailPage.tsx'));
const RfmPage = lazy(() => import('./pages/rfm/RfmPage.tsx'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // a 4xx will not get better by asking again
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** The start page: a cashier's is the till, everyone else's the home dashboard. */
function StartPage() {
  const { me } = useAuth();
  return me?.actor.role === 'cashier' ? <Navigate to="/till" replace /> : <HomePage />;
}

function Localized({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  useEffect(() => {
    dayjs.locale(english ? 'en' : 'zh-cn');
    document.documentElement.lang = english ? 'en' : 'zh-CN';
  }, [english]);
  return (
    <ConfigProvider
      locale={english ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#c2410c' } }}
      // rows of buttons and tags wrap on a phone instead of widening the page past the screen
      space={{ style: { flexWrap: 'wrap' } }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Localized>
        <BrowserRouter>
          <AuthProvider>
            <Suspense fallback={<Spin size="large" fullscreen />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route
                  element={
                    <RequireAuth>
                      <ConsoleLayout />
                    </RequireAuth>
                  }
                >
                  <Route index element={<StartPage />} />
                  <Route path="members" element={<MembersPage />} />
                  <Route path="members/:id" element={<MemberDetailPage />} />
                  <Route path="imports" element={<ImportsPage />} />
                  <Route path="imports/new" element={<ImportWizardPage />} />
                  <Route path="imports/:id" element={<ImportWizardPage />} />
                  <Route path="stores" element={<StoresPage />} />
                  <Route path="staff" element={<StaffPage />} />
                  <Route path="api-keys" element={<ApiKeysPage />} />
                  <Route path="webhooks" element={<WebhooksPage />} />
                  <Route path="tiers" element={<TiersPage />} />
                  <Route path="points-rules" element={<PointsRulesPage />} />
                  <Route path="mall" element={<MallPage />} />
                  <Route path="recharge-plans" element={<RechargePlansPage />} />
                  <Route path="paid-plans" element={<MembershipPlansPage />} />
                  <Route path="reports/liability" element={<LiabilityReportPage />} />
                  <Route path="reports/settlement" element={<SettlementPage />} />
                  <Route path="referral" element={<ReferralPage />} />
                  <Route path="coupons" element={<CouponsPage />} />
                  <Route path="coupon-records" element={<CouponRecordsPage />} />
                  <Route path="guide-tasks" element={<GuideTasksPage />} />
                  <Route path="campaigns" element={<CampaignsPage />} />
                  <Route path="campaigns/:id" element={<CampaignDetailPage />} />
                  <Route path="tags" element={<TagsPage />} />
                  <Route path="segments" element={<SegmentsPage />} />
                  <Route path="automation" element={<AutomationsPage />} />
                  <Route path="automation/:id" element={<AutomationDetailPage />} />
                  <Route path="messaging" element={<MessagingPage />} />
                  <Route path="rfm" element={<RfmPage />} />
                  <Route path="catalogue" element={<CataloguePage />} />
                  <Route path="till" element={<TillPage />} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </AuthProvider>
        </BrowserRouter>
      </Localized>
    </QueryClientProvider>
  );
}
