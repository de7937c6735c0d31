import {
  BarChartOutlined,
  GiftOutlined,
  TeamOutlined,
  UserAddOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Input, Row, Skeleton, Space, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import type { Static } from 'typebox';
import type { TodayFigures as TodaySchema } from '../../../../../src/core/reports/report.schema.ts';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { yuan } from '../../format.ts';

// The dashboard brings ECharts and its own messages: a chunk of its own, after today's figures.
const Dashboard = lazy(() => import('./Dashboard.tsx'));

type TodayFigures = Omit<Static<typeof TodaySchema>, 'from' | 'to'> & { from: string; to: string };

function Figure(props: {
  id: string;
  title: string;
  icon: ReactNode;
  value: string;
  note?: string;
}) {
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={props.id}>
      <Statistic
        title={
          <Space size={6}>
            {props.icon}
            {props.title}
          </Space>
        }
        value={props.value}
      />
      <Typography.Text type="secondary">{props.note ?? '\u00a0'}</Typography.Text>
    </Card>
  );
}

/**
 * 首页: today at a glance in the merchant's time zone, the till's first move (find a member by
 * phone, card or scanned member code), then the dashboard (数据看板) by store and period. Staff
 * who read no reports (cashiers) start at the member list instead.
 */
export default function HomePage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const allowed = can('reports.read');
  const today = useQuery({
    queryKey: ['reports', 'today'],
    queryFn: () => api.get<TodayFigures>('/reports/today'),
    enabled: allowed,
    refetchInterval: 60_000,
  });
  if (!allowed) return <Navigate to="/members" replace />;
  const figures = today.data;
  const count = (n: number | undefined) => t('home.count', { count: n ?? 0 });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('home.title')}
        </Typography.Title>
        <Typography.Text type="secondary" data-testid="today-date">
          {figures
            ? t('home.day', {
                date: dayjs(figures.date).format(t('home.dateFormat')),
                zone: figures.time_zone,
              })
            : '\u00a0'}
        </Typography.Text>
      </div>
      {can('members.read') && (
        <Input.Search
          size="large"
          allowClear
          enterButton={t('common.search')}
          placeholder={t('home.search')}
          onSearch={(q) => q.trim() && navigate(`/members?q=${encodeURIComponent(q.trim())}`)}
          data-testid="home-search"
        />
      )}
      {today.error && <Alert type="error" showIcon title={today.error.message} />}
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Figure
            id="today-new-members"
            icon={<UserAddOutlined />}
            title={t('home.newMembers')}
            value={String(figures?.new_members ?? '–')}
          />
        </Col>
        <Col xs={12} md={6}>
          <Figure
            id="today-recharges"
            icon={<WalletOutlined />}
            title={t('home.recharges')}
            value={figures ? yuan(figures.recharges.amount_fen) : '–'}
            note={count(figures?.recharges.count)}
          />
        </Col>
        <Col xs={12} md={6}>
          <Figure
            id="today-payments"
            icon={<TeamOutlined />}
            title={t('home.balancePayments')}
            value={figures ? yuan(figures.balance_payments.amount_fen) : '–'}
            note={count(figures?.balance_payments.count)}
          />
        </Col>
        <Col xs={12} md={6}>
          <Figure
            id="today-points"
            icon={<GiftOutlined />}
            title={t('home.pointsIssued')}
            value={figures ? figures.points_issued.toLocaleString() : '–'}
          />
        </Col>
      </Row>
      <Link to="/reports/liability">
        <BarChartOutlined /> {t('home.liability')}
      </Link>
      <Suspense fallback={<Skeleton active />}>
        <Dashboard />
      </Suspense>
    </Space>
  );
}
