import { Card, Segmented, Skeleton, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiTile } from '../../../../../src/core/reports/dashboard.schema.ts';
import { dashboardZhCN } from '../../i18n/dashboard-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { type DashboardFilter, type TileOf, useTile } from './dashboard-common.tsx';
import { KpiCards } from './KpiTiles.tsx';
import { OnView } from './OnView.tsx';
import { StoreFilter } from './StoreFilter.tsx';

addPageMessages(dashboardZhCN);

// The first screen is the filters and the KPI cards; the date picker, the charts (ECharts) and
// the tables come in chunks of their own when chosen or scrolled to.
const CustomRange = lazy(() =>
  import('./DashboardMore.tsx').then((m) => ({ default: m.CustomRange })),
);
const DashboardMore = lazy(() => import('./DashboardMore.tsx'));

type Preset = 'today' | 'week' | 'month' | 'custom';

/** The resolved period under the filters, as the server read it (the merchant's zone). */
function PeriodNote({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  // the KPI tile's own query (one request): its range is what the server resolved
  const range = useTile<TileOf<typeof KpiTile>>('kpis', filter).data?.range;
  return (
    <Typography.Text type="secondary" data-testid="dashboard-period">
      {range
        ? t('dashboard.period', { from: range.from, to: range.to, zone: range.time_zone })
        : ''}
    </Typography.Text>
  );
}

/**
 * 数据看板: every tile of the dashboard for one store (or all) and one local period, each tile
 * loading on its own. Lazy-loaded with its messages, apart from the home page.
 */
export default function Dashboard() {
  const { t } = useTranslation();
  const [preset, setPreset] = useState<Preset>('today');
  const [days, setDays] = useState<[Dayjs, Dayjs] | null>(null);
  const [storeId, setStoreId] = useState<string | undefined>();
  const filter: DashboardFilter = {
    ...(storeId ? { store_id: storeId } : {}),
    ...(preset === 'custom' && days
      ? { from: days[0].format('YYYY-MM-DD'), to: days[1].format('YYYY-MM-DD') }
      : { period: preset === 'custom' ? 'today' : preset }),
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="dashboard">
      <Card size="small">
        <Space wrap size={12}>
          <Typography.Text strong>{t('dashboard.title')}</Typography.Text>
          <Segmented<Preset>
            value={preset}
            onChange={setPreset}
            options={(['today', 'week', 'month', 'custom'] as const).map((p) => ({
              value: p,
              label: t(`dashboard.${p}`),
            }))}
            data-testid="dashboard-preset"
          />
          {preset === 'custom' && (
            <Suspense fallback={<Skeleton.Input active size="small" />}>
              <CustomRange value={days} onChange={setDays} />
            </Suspense>
          )}
          <StoreFilter value={storeId} onChange={setStoreId} />
          <PeriodNote filter={filter} />
        </Space>
      </Card>
      <KpiCards filter={filter} />
      <OnView minHeight={1200} testId="dashboard-more">
        <DashboardMore filter={filter} />
      </OnView>
    </Space>
  );
}
