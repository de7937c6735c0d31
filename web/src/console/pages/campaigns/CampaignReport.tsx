import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';
import type { CampaignStatus, Interval, Report } from './campaign-types.ts';
import { percent } from './campaign-types.ts';
import { FunnelChart } from './FunnelChart.tsx';

const ci = (i: Interval | null, show: (x: number) => string) =>
  i ? `${show(i.estimate)} [${show(i.low)}, ${show(i.high)}]` : null;
const fenText = (x: number) => yuan(Math.round(x));

export function CampaignReportView({ id, status }: { id: string; status: CampaignStatus }) {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['campaign-report', id, status],
    queryFn: () => api.get<Report>(`/campaigns/${id}/report`),
  });
  const r = report.data;
  if (!r) return <Card loading />;
  const f = r.funnel;
  const u = r.uplift;
  const steps = (['targeted', 'issued', 'claimed', 'redeemed'] as const).map((k) => ({
    name: t(`campaigns.funnelSteps.${k}`),
    value: f[k],
  }));
  const none = t('campaigns.notEnough');
  return (
    <Card title={t('campaigns.report')} data-testid="campaign-report">
      <Typography.Text type="secondary">
        {t('campaigns.window', { from: formatTime(r.window.from) })} · {t('campaigns.claimedNote')}
      </Typography.Text>
      <Row gutter={16} style={{ marginTop: 12 }}>
        <Col xs={24} md={12}>
          <FunnelChart steps={steps} />
        </Col>
        <Col xs={24} md={12}>
          <Row gutter={[16, 16]}>
            <Col span={12}>
              <Statistic title={t('campaigns.revenue')} value={yuan(f.revenue_fen)} />
            </Col>
            <Col span={12}>
              <Statistic title={t('campaigns.discount')} value={yuan(f.discount_fen)} />
            </Col>
            <Col span={12}>
              <Statistic
                title={t('campaigns.roi')}
                value={f.roi === null ? '—' : f.roi.toFixed(2)}
              />
            </Col>
            <Col span={12}>
              <Statistic
                title={t('campaigns.redeemRate')}
                value={percent(u.redeem_rate?.estimate)}
              />
            </Col>
          </Row>
          <Descriptions
            size="small"
            column={2}
            style={{ marginTop: 12 }}
            items={[
              { label: t('campaigns.skippedConsent'), children: f.skipped_consent },
              { label: t('campaigns.skippedCap'), children: f.skipped_cap },
              { label: t('campaigns.controlGroup'), children: f.control },
              {
                label: t('campaigns.skippedBudget'),
                children: <span data-testid="skipped-budget">{f.skipped_budget}</span>,
              },
              { label: t('campaigns.skippedLimit'), children: f.skipped_limit },
              { label: t('campaigns.skippedNoGuide'), children: f.skipped_no_guide },
              { label: t('campaigns.pending'), children: f.pending },
            ]}
          />
        </Col>
      </Row>
      <Typography.Title level={5}>{t('campaigns.uplift')}</Typography.Title>
      <Table
        size="small"
        pagination={false}
        rowKey="metric"
        data-testid="campaign-uplift"
        dataSource={[
          {
            metric: t('campaigns.members'),
            treated: u.treated.members,
            control: u.control.members,
            diff: '',
          },
          {
            metric: t('campaigns.orderRate'),
            treated: percent(u.treated.order_rate),
            control: percent(u.control.order_rate),
            diff: ci(u.order_rate_diff, (x) => percent(x)) ?? none,
          },
          {
            metric: t('campaigns.revenuePerMember'),
            treated:
              u.treated.revenue_per_member_fen === null
                ? '—'
                : fenText(u.treated.revenue_per_member_fen),
            control:
              u.control.revenue_per_member_fen === null
                ? '—'
                : fenText(u.control.revenue_per_member_fen),
            diff: ci(u.revenue_per_member_diff_fen, fenText) ?? none,
          },
        ]}
        columns={[
          { title: '', dataIndex: 'metric' },
          { title: t('campaigns.treated'), dataIndex: 'treated' },
          { title: t('campaigns.controlGroup'), dataIndex: 'control' },
          { title: `${t('campaigns.difference')} ${t('campaigns.ci')}`, dataIndex: 'diff' },
        ]}
      />
      {r.forecast && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('campaigns.forecastVsActual')}
          </Typography.Title>
          <Table
            size="small"
            pagination={false}
            rowKey="metric"
            data-testid="campaign-forecast-actual"
            dataSource={[
              { metric: t('campaigns.reach'), forecast: r.forecast.reach, actual: r.actual.reach },
              {
                metric: t('campaigns.coupons'),
                forecast: r.forecast.coupons,
                actual: r.actual.coupons,
              },
              {
                metric: t('campaigns.expectedRedeemed'),
                forecast: r.forecast.expected_redeemed ?? '—',
                actual: r.actual.redeemed,
              },
              {
                metric: t('campaigns.expectedCost'),
                forecast:
                  r.forecast.expected_cost_fen === null ? '—' : yuan(r.forecast.expected_cost_fen),
                actual: yuan(r.actual.cost_fen),
              },
              {
                metric: t('campaigns.expectedRevenue'),
                forecast:
                  r.forecast.expected_revenue_fen === null
                    ? '—'
                    : yuan(r.forecast.expected_revenue_fen),
                actual: yuan(r.actual.revenue_fen),
              },
              {
                metric: t('campaigns.expectedUplift'),
                forecast:
                  r.forecast.expected_uplift_revenue_fen === null
                    ? '—'
                    : yuan(r.forecast.expected_uplift_revenue_fen),
                actual:
                  r.actual.uplift_revenue_fen === null ? '—' : yuan(r.actual.uplift_revenue_fen),
              },
              {
                metric: t('campaigns.pointsLiability'),
                forecast: r.forecast.points_liability,
                actual: r.actual.points,
              },
            ]}
            columns={[
              { title: t('campaigns.metric'), dataIndex: 'metric' },
              { title: t('campaigns.forecastCol'), dataIndex: 'forecast' },
              { title: t('campaigns.actualCol'), dataIndex: 'actual' },
            ]}
          />
        </>
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('campaigns.byStore')}
      </Typography.Title>
      <Table
        size="small"
        pagination={false}
        rowKey={(row) => row.store_id ?? 'none'}
        dataSource={r.by_store}
        columns={[
          {
            title: t('campaigns.store'),
            render: (_, row) => row.store_name ?? t('campaigns.noStore'),
          },
          { title: t('campaigns.funnelSteps.targeted'), dataIndex: 'targeted' },
          { title: t('campaigns.funnelSteps.issued'), dataIndex: 'issued' },
          { title: t('campaigns.funnelSteps.redeemed'), dataIndex: 'redeemed' },
          { title: t('campaigns.revenue'), render: (_, row) => yuan(row.revenue_fen) },
          { title: t('campaigns.discount'), render: (_, row) => yuan(row.discount_fen) },
          {
            title: t('campaigns.roi'),
            render: (_, row) => (row.roi === null ? '—' : row.roi.toFixed(2)),
          },
        ]}
      />
    </Card>
  );
}
