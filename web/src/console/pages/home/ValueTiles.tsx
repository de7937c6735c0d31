import { Card, Col, Row, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type {
  CampaignsTile as CampaignsSchema,
  CouponsTile as CouponsSchema,
  PointsTile as PointsSchema,
  WalletTile as WalletSchema,
} from '../../../../../src/core/reports/dashboard.schema.ts';
import { yuan } from '../../format.ts';
import { Chart } from '../reports/Chart.tsx';
import { type DashboardFilter, ExportButton, type TileOf, useTile } from './dashboard-common.tsx';

type Wallet = TileOf<typeof WalletSchema>;
type Points = TileOf<typeof PointsSchema>;
type Coupons = TileOf<typeof CouponsSchema>;
type Campaigns = TileOf<typeof CampaignsSchema>;

function Figures({ items }: { items: { title: string; value: string }[] }) {
  return (
    <Row gutter={[12, 12]}>
      {items.map((i) => (
        <Col span={12} key={i.title}>
          <Statistic title={i.title} value={i.value} />
        </Col>
      ))}
    </Row>
  );
}

function WalletCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<Wallet>('wallet', filter);
  const w = tile.data;
  return (
    <Card
      title={t('dashboard.wallet')}
      loading={tile.isLoading}
      style={{ height: '100%' }}
      extra={<ExportButton table="wallet" filter={filter} />}
      data-testid="dashboard-wallet"
    >
      {w && (
        <Figures
          items={[
            { title: t('dashboard.recharges'), value: yuan(w.recharge_fen) },
            { title: t('dashboard.rechargeBonus'), value: yuan(w.recharge_bonus_fen) },
            {
              title: t('dashboard.outstandingPrincipal'),
              value: yuan(w.outstanding_principal_fen),
            },
            { title: t('dashboard.outstandingBonus'), value: yuan(w.outstanding_bonus_fen) },
          ]}
        />
      )}
    </Card>
  );
}

function PointsCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<Points>('points', filter);
  const p = tile.data;
  return (
    <Card
      title={t('dashboard.points')}
      loading={tile.isLoading}
      style={{ height: '100%' }}
      extra={<ExportButton table="points" filter={filter} />}
      data-testid="dashboard-points"
    >
      {p && (
        <Figures
          items={[
            { title: t('dashboard.pointsIssued'), value: p.issued.toLocaleString() },
            { title: t('dashboard.pointsSpent'), value: p.spent.toLocaleString() },
            { title: t('dashboard.pointsExpired'), value: p.expired.toLocaleString() },
            { title: t('dashboard.pointsOutstanding'), value: p.outstanding.toLocaleString() },
          ]}
        />
      )}
    </Card>
  );
}

/** Issued → redeemed as bars, the discount it cost, and the templates behind it. */
function CouponsCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<Coupons>('coupons', filter);
  const c = tile.data;
  return (
    <Card
      title={t('dashboard.coupons')}
      loading={tile.isLoading}
      extra={<ExportButton table="coupons" filter={filter} />}
      data-testid="dashboard-coupons"
    >
      {c && (
        <>
          <Row gutter={12}>
            <Col span={12}>
              <Statistic title={t('dashboard.couponDiscount')} value={yuan(c.discount_fen)} />
            </Col>
            <Col span={12}>
              <Statistic title={t('dashboard.couponSales')} value={yuan(c.coupon_sales_fen)} />
            </Col>
          </Row>
          <Chart
            height={140}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 60, right: 20, top: 10, bottom: 20 },
              xAxis: { type: 'value' },
              yAxis: {
                type: 'category',
                data: [t('dashboard.couponsRedeemed'), t('dashboard.couponsIssued')],
              },
              series: [{ type: 'bar', data: [c.redeemed, c.issued] }],
            }}
          />
          <Table
            rowKey="template_id"
            size="small"
            dataSource={c.templates}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            columns={[
              { title: t('dashboard.template'), dataIndex: 'name' },
              { title: t('dashboard.couponsIssued'), dataIndex: 'issued', align: 'right' },
              { title: t('dashboard.couponsRedeemed'), dataIndex: 'redeemed', align: 'right' },
            ]}
          />
        </>
      )}
    </Card>
  );
}

function CampaignsCard({ filter }: { filter: DashboardFilter }) {
  const { t } = useTranslation();
  const tile = useTile<Campaigns>('campaigns', filter);
  return (
    <Card
      title={t('dashboard.campaigns')}
      loading={tile.isLoading}
      extra={<ExportButton table="campaigns" filter={filter} />}
      data-testid="dashboard-campaigns"
    >
      <Table
        rowKey="campaign_id"
        size="small"
        dataSource={tile.data?.campaigns ?? []}
        locale={{ emptyText: t('dashboard.noCampaigns') }}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        columns={[
          { title: t('dashboard.campaign'), dataIndex: 'name' },
          { title: t('dashboard.targeted'), dataIndex: 'targeted', align: 'right' },
          { title: t('dashboard.reached'), dataIndex: 'issued', align: 'right' },
          { title: t('dashboard.redeemed'), dataIndex: 'redeemed', align: 'right' },
          {
            title: t('dashboard.revenue'),
            dataIndex: 'revenue_fen',
            align: 'right',
            render: (n: number) => yuan(n),
          },
          {
            title: t('dashboard.cost'),
            dataIndex: 'discount_fen',
            align: 'right',
            render: (n: number) => yuan(n),
          },
          {
            title: t('dashboard.roi'),
            dataIndex: 'roi',
            align: 'right',
            render: (n: number | null) => (n === null ? '–' : `${n.toFixed(2)}×`),
          },
        ]}
      />
    </Card>
  );
}

/** Stored value and points, then the coupon funnel beside the campaigns' results. */
export function ValueSection({ filter }: { filter: DashboardFilter }) {
  return (
    <Row gutter={[12, 12]}>
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
  );
}
