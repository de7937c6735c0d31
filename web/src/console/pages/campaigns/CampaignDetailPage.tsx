import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Popconfirm, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, newIdempotencyKey } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';
import { campaignsZhCN } from '../../i18n/campaigns-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { CampaignReportView } from './CampaignReport.tsx';
import { STATUS_COLORS } from './CampaignsPage.tsx';
import type { Campaign, Forecast } from './campaign-types.ts';
import { percent } from './campaign-types.ts';

addPageMessages(campaignsZhCN);

const money = (fen: number | null) => (fen === null ? '—' : yuan(fen));

export function ForecastPanel({ forecast }: { forecast: Forecast }) {
  const { t } = useTranslation();
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 2, md: 3 }}
      data-testid="campaign-forecast"
      title={
        forecast.basis === 'none'
          ? t('campaigns.forecastNone')
          : t('campaigns.forecastHistory', {
              count: forecast.history_campaigns,
              kind: forecast.kind,
            })
      }
      items={[
        { label: t('campaigns.targeted'), children: forecast.targeted },
        { label: t('campaigns.skippedConsent'), children: forecast.skipped_consent },
        { label: t('campaigns.skippedCap'), children: forecast.skipped_cap },
        { label: t('campaigns.controlGroup'), children: forecast.control },
        {
          label: t('campaigns.reach'),
          children: <b data-testid="forecast-reach">{forecast.reach}</b>,
        },
        { label: t('campaigns.coupons'), children: forecast.coupons },
        { label: t('campaigns.pointsLiability'), children: forecast.points_liability },
        {
          label: t('campaigns.storedValueLiability'),
          children: yuan(forecast.stored_value_liability_fen),
        },
        { label: t('campaigns.redeemRate'), children: percent(forecast.redeem_rate) },
        { label: t('campaigns.expectedRedeemed'), children: forecast.expected_redeemed ?? '—' },
        { label: t('campaigns.expectedCost'), children: money(forecast.expected_cost_fen) },
        { label: t('campaigns.expectedRevenue'), children: money(forecast.expected_revenue_fen) },
        {
          label: t('campaigns.expectedUplift'),
          children: money(forecast.expected_uplift_revenue_fen),
        },
      ]}
    />
  );
}

export default function CampaignDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [launchKey] = useState(newIdempotencyKey);
  const campaign = useQuery({
    queryKey: ['campaign', id],
    queryFn: () => api.get<Campaign>(`/campaigns/${id}`),
    refetchInterval: (q) =>
      q.state.data?.status === 'launching' || q.state.data?.status === 'scheduled' ? 3000 : false,
  });
  const draft = campaign.data?.status === 'draft';
  const forecast = useQuery({
    queryKey: ['campaign-forecast', id],
    queryFn: () => api.get<Forecast>(`/campaigns/${id}/forecast`),
    enabled: draft,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['campaign', id] });
    void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
  };
  const launch = useMutation({
    mutationFn: () => api.post<Campaign>(`/campaigns/${id}/launch`, undefined, launchKey),
    onSuccess: () => {
      void message.success(t('campaigns.launched'));
      refresh();
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  const cancel = useMutation({
    mutationFn: () => api.post<Campaign>(`/campaigns/${id}/cancel`),
    onSuccess: () => {
      void message.success(t('campaigns.cancelled'));
      refresh();
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  const c = campaign.data;
  if (!c) return <Card loading />;
  const a = c.actions;
  return (
    <Flex vertical gap={16}>
      <Card
        title={
          <Space>
            {c.name}
            <Tag color={STATUS_COLORS[c.status]} data-testid="campaign-status">
              {t(`campaigns.statuses.${c.status}`)}
            </Tag>
          </Space>
        }
        extra={
          <Space>
            {(c.status === 'draft' || c.status === 'scheduled') && (
              <Button onClick={() => cancel.mutate()} loading={cancel.isPending}>
                {t('campaigns.cancel')}
              </Button>
            )}
            {draft && (
              <Popconfirm title={t('campaigns.launchConfirm')} onConfirm={() => launch.mutate()}>
                <Button type="primary" loading={launch.isPending} data-testid="campaign-launch">
                  {t('campaigns.launch')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2 }}
          items={[
            { label: t('campaigns.coupon'), children: a.coupon_template_id ? '✓' : '—' },
            {
              label: t('campaigns.points'),
              children: a.points
                ? `${a.points.amount}${a.points.expiry_days ? ` / ${a.points.expiry_days}d` : ''}`
                : '—',
            },
            { label: t('campaigns.messageTitle'), children: a.message?.title ?? '—' },
            {
              label: t('campaigns.taskKind'),
              children: a.task
                ? `${t(`campaigns.taskKinds.${a.task.kind}`)} · ${a.task.title}`
                : '—',
            },
            { label: t('campaigns.control'), children: `${c.control_bp / 100}%` },
            {
              label: t('campaigns.capMax'),
              children: c.cap ? `${c.cap.max} / ${c.cap.days}d` : '—',
            },
            { label: t('campaigns.schedule'), children: formatTime(c.schedule_at) },
            { label: t('campaigns.launchedAt'), children: formatTime(c.launched_at) },
          ]}
        />
      </Card>
      {(draft ? forecast.data : c.forecast) && (
        <Card title={t('campaigns.forecast')}>
          <ForecastPanel forecast={(draft ? forecast.data : c.forecast)!} />
        </Card>
      )}
      {c.snapshot_at && <CampaignReportView id={id} status={c.status} />}
    </Flex>
  );
}
