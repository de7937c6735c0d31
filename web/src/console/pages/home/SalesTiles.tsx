import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  KpiTile as KpiSchema,
  SalesByDayTile as SalesByDaySchema,
  SalesByStoreTile as SalesByStoreSchema,
} from '../../../../../src/core/reports/dashboard.schema.ts';
import { yuan } from '../../format.ts';
import { Chart, type ChartOption } from '../reports/Chart.tsx';
import {
  type DashboardFilter,
  ExportButton,
  percentOf,
  type TileOf,
  useTile,
} from './dashboard-common.tsx';

type Kpis = TileOf<typeof KpiSchema>;
type ByDay = TileOf<typeof SalesByDaySchema>;
type ByStore = TileOf<typeof SalesByStoreSchema>;

function Kpi(props: { id: string; title: string; value: string; note?: string; loading: boolean }) {
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={props.id} loading={props.loading}>
      <Statistic title={props.title} value={props.value} />
      <Typography.Text type="secondary">{props.note ?? '\u00a0'}</Typography.Text>
    </Card>
  );
}

/** The headline cards: new and active members, repurchase rate, average order, net sales. */
export function KpiCards({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<Kpis>('kpis', filter);
  const k = tile.data;
  const cards = [
    {
      id: 'kpi-new-members',
      title: t('dashboard.newMembers'),
      value: k ? String(k.new_members) : '–',
    },
    {
      id: 'kpi-active-members',
      title: t('dashboard.activeMembers'),
      value: k ? String(k.active_members) : '–',
      note: t('dashboard.activeNote'),
    },
    {
      id: 'kpi-repurchase-rate',
      title: t('dashboard.repurchaseRate'),
      value: k ? percentOf(k.repurchase_rate_bp) : '–',
      note: t('dashboard.repurchaseNote', { count: k?.repurchasers ?? 0 }),
    },
    { id: 'kpi-aov', title: t('dashboard.aov'), value: k?.aov_fen != null ? yuan(k.aov_fen) : '–' },
    {
      id: 'kpi-sales',
      title: t('dashboard.sales'),
      value: k ? yuan(k.sales_fen) : '–',
      note: t('dashboard.salesNote', { count: k?.orders ?? 0 }),
    },
  ];
  return (
    <Row gutter={[12, 12]}>
      {cards.map((c) => (
        <Col xs={12} md={8} xl={4} key={c.id} flex="auto">
          <Kpi {...c} loading={tile.isLoading} />
        </Col>
      ))}
      <Col xs={24} md={8} xl={4} style={{ display: 'flex', alignItems: 'center' }}>
        <ExportButton table="kpis" filter={filter} />
      </Col>
    </Row>
  );
}

function byDayOption(tile: ByDay, label: (k: string) => string): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 50, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: tile.days.map((d) => d.date.slice(5)) },
    yAxis: [{ type: 'value' }, { type: 'value', position: 'right' }],
    series: [
      { name: label('sales'), type: 'bar', data: tile.days.map((d) => d.sales_fen / 100) },
      { name: label('orders'), type: 'line', yAxisIndex: 1, data: tile.days.map((d) => d.orders) },
    ],
  };
}

export function SalesByDayCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<ByDay>('sales-by-day', filter);
  return (
    <Card
      title={t('dashboard.salesByDay')}
      loading={tile.isLoading}
      extra={<ExportButton table="sales_by_day" filter={filter} />}
    >
      {tile.data && (
        <Chart
          option={byDayOption(tile.data, (k) => t(`dashboard.${k}`))}
          testId="dashboard-sales-chart"
        />
      )}
    </Card>
  );
}

export function SalesByStoreCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<ByStore>('sales-by-store', filter);
  const stores = tile.data?.stores ?? [];
  return (
    <Card
      title={t('dashboard.salesByStore')}
      loading={tile.isLoading}
      extra={<ExportButton table="sales_by_store" filter={filter} />}
    >
      {stores.length > 1 && (
        <Chart
          height={220}
          option={{
            tooltip: { trigger: 'axis' },
            grid: { left: 80, right: 20, top: 10, bottom: 30 },
            xAxis: { type: 'value' },
            yAxis: { type: 'category', data: stores.map((s) => s.store_name).reverse() },
            series: [
              {
                name: t('dashboard.sales'),
                type: 'bar',
                data: stores.map((s) => s.sales_fen / 100).reverse(),
              },
            ],
          }}
        />
      )}
      <Table
        rowKey="store_id"
        size="small"
        dataSource={stores}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="dashboard-store-table"
        columns={[
          { title: t('dashboard.store'), dataIndex: 'store_name' },
          { title: t('dashboard.orders'), dataIndex: 'orders', align: 'right' },
          {
            title: t('dashboard.sales'),
            dataIndex: 'sales_fen',
            align: 'right',
            render: (n: number) => yuan(n),
          },
          { title: t('dashboard.members'), dataIndex: 'members', align: 'right' },
          {
            title: t('dashboard.aov'),
            dataIndex: 'aov_fen',
            align: 'right',
            render: (n: number | null) => (n === null ? '–' : yuan(n)),
          },
        ]}
      />
    </Card>
  );
}
