import { Card, Col, DatePicker, Row, Segmented, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiTile } from '../../../../../src/core/reports/dashboard.schema.ts';
import { dashboardZhCN } from '../../i18n/dashboard-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { useStores } from '../../queries.ts';
import { DistributionCards } from './DistributionTiles.tsx';
import { type DashboardFilter, type TileOf, useTile } from './dashboard-common.tsx';
import { KpiCards, SalesByDayCard, SalesByStoreCard } from './SalesTiles.tsx';
import { CampaignsCard, CouponsCard, PointsCard, WalletCard } from './ValueTiles.tsx';

addPageMessages(dashboardZhCN);

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
 * loading on its own. Lazy-loaded with its charts and messages, apart from the home page.
 */
export default function Dashboard() {
  const { t } = useTranslation();
  const { stores } = useStores();
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
            <DatePicker.RangePicker
              value={days}
              allowClear={false}
              onChange={(v) => v?.[0] && v[1] && setDays([v[0], v[1]])}
            />
          )}
          <Select
            style={{ minWidth: 160 }}
            allowClear
            placeholder={t('dashboard.allStores')}
            value={storeId}
            onChange={setStoreId}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
            data-testid="dashboard-store"
          />
          <PeriodNote filter={filter} />
        </Space>
      </Card>
      <KpiCards filter={filter} />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14}>
          <SalesByDayCard filter={filter} />
        </Col>
        <Col xs={24} xl={10}>
          <SalesByStoreCard filter={filter} />
        </Col>
        <Col xs={24} md={12}>
          <WalletCard filter={filter} />
        </Col>
        <Col xs={24} md={12}>
          <PointsCard filter={filter} />
        </Col>
        <Col xs={24} xl={10}>
          <CouponsCard filter={filter} />
        </Col>
        <Col xs={24} xl={14}>
          <CampaignsCard filter={filter} />
        </Col>
      </Row>
      <DistributionCards filter={filter} />
    </Space>
  );
}
