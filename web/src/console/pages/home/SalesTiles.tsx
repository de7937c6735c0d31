import { Card, Col, Row, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  SalesByDayTile as SalesByDaySchema,
  SalesByStoreTile as SalesByStoreSchema,
} from '../../../../../src/core/reports/dashboard.schema.ts';
import { yuan } from '../../format.ts';
import { Chart, type ChartOption } from '../reports/Chart.tsx';
import { type DashboardFilter, ExportButton, type TileOf, useTile } from './dashboard-common.tsx';

type ByDay = TileOf<typeof SalesByDaySchema>;
type ByStore = TileOf<typeof SalesByStoreSchema>;

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

function SalesByDayCard({ filter }: { filter: DashboardFilter }) {
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

function SalesByStoreCard({ filter }: { filter: DashboardFilter }) {
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

/** Sales per day beside sales per store: the first section below the KPI cards. */
export function SalesSection({ filter }: { filter: DashboardFilter }) {
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={14}>
        <SalesByDayCard filter={filter} />
      </Col>
      <Col xs={24} xl={10}>
        <SalesByStoreCard filter={filter} />
      </Col>
    </Row>
  );
}
