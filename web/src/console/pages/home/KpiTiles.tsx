import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KpiTile as KpiSchema } from '../../../../../src/core/reports/dashboard.schema.ts';
import { yuan } from '../../format.ts';
import {
  type DashboardFilter,
  ExportButton,
  percentOf,
  type TileOf,
  useTile,
} from './dashboard-common.tsx';

type Kpis = TileOf<typeof KpiSchema>;

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
