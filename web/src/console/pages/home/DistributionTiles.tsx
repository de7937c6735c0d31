import { Card, Col, Empty, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DistributionTile as DistributionSchema } from '../../../../../src/core/reports/dashboard.schema.ts';
import { Chart } from '../reports/Chart.tsx';
import { type DashboardFilter, ExportButton, type TileOf, useTile } from './dashboard-common.tsx';

type Distribution = TileOf<typeof DistributionSchema>;
const TILES = [
  { path: 'rfm', table: 'rfm', none: 'dashboard.noRfm' },
  { path: 'lifecycle', table: 'lifecycle', none: 'dashboard.noData' },
  { path: 'tiers', table: 'tiers', none: 'dashboard.noTier' },
] as const;

function DistributionCard(props: { filter: DashboardFilter; tile: (typeof TILES)[number] }) {
  const { t } = useTranslation();
  const { path, table, none } = props.tile;
  const tile = useTile<Distribution>(path, props.filter);
  const groups = (tile.data?.groups ?? []).filter((g) => g.members > 0);
  return (
    <Card
      title={t(`dashboard.${path}`)}
      loading={tile.isLoading}
      extra={<ExportButton table={table} filter={props.filter} />}
      data-testid={`dashboard-${path}`}
    >
      {groups.length === 0 ? (
        <Empty description={t('dashboard.noData')} />
      ) : (
        <Chart
          height={260}
          option={{
            tooltip: { trigger: 'item' },
            legend: { bottom: 0, type: 'scroll' },
            series: [
              {
                type: 'pie',
                radius: ['35%', '65%'],
                top: -30,
                data: groups.map((g) => ({ name: g.name ?? t(none), value: g.members })),
              },
            ],
          }}
        />
      )}
    </Card>
  );
}

/** Members as they are now: RFM group, lifecycle stage, tier. */
export function DistributionSection({ filter }: { filter: DashboardFilter }) {
  return (
    <Row gutter={[12, 12]}>
      {TILES.map((tile) => (
        <Col xs={24} lg={8} key={tile.path}>
          <DistributionCard filter={filter} tile={tile} />
        </Col>
      ))}
    </Row>
  );
}
