import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Row, Space, Statistic, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { PointsLiability } from '../../wire-types.ts';
import { localToday } from '../loyalty/loyalty-format.tsx';
import { Chart, type ChartOption } from './Chart.tsx';

type LiabilityRow = PointsLiability['rows'][number];
const FIGURES = ['issued', 'spent', 'expired'] as const;

/** [first day of the first month, last day of the last month or today, whichever is sooner] */
function range(months: [Dayjs, Dayjs]): { from: string; to: string } {
  const today = localToday();
  const end = months[1].endOf('month').format('YYYY-MM-DD');
  // dates as YYYY-MM-DD strings: the sooner one sorts first
  const [to = today] = [end, today].sort();
  return { from: months[0].startOf('month').format('YYYY-MM-DD'), to };
}

/** Issued, spent and expired per month as bars, and the outstanding points as a line. */
function monthlyOption(report: PointsLiability, label: (k: string) => string): ChartOption {
  const months = [...new Set(report.rows.map((r) => r.month))].sort();
  const sum = (month: string, key: keyof LiabilityRow) =>
    report.rows.filter((r) => r.month === month).reduce((n, r) => n + Number(r[key]), 0);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value' },
    series: [
      ...FIGURES.map((key) => ({
        name: label(key),
        type: 'bar' as const,
        data: months.map((m) => sum(m, key)),
      })),
      {
        name: label('outstanding'),
        type: 'line' as const,
        data: months.map((m) => sum(m, 'outstanding')),
      },
    ],
  };
}

export function PointsLiabilityCard() {
  const { t } = useTranslation();
  const [months, setMonths] = useState<[Dayjs, Dayjs]>(() => [
    dayjs(localToday()).subtract(5, 'month'),
    dayjs(localToday()),
  ]);
  const query = range(months);
  const report = useQuery({
    queryKey: ['reports', 'points-liability', query],
    queryFn: () => api.get<PointsLiability>('/reports/points-liability', query),
  });
  const data = report.data;
  const label = (key: string) => t(`reports.points.${key}`);
  return (
    <Card
      title={t('reports.points.title')}
      loading={report.isLoading}
      extra={
        <DatePicker.RangePicker
          picker="month"
          value={months}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setMonths([v[0], v[1]])}
        />
      }
    >
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Row gutter={16} data-testid="points-liability-totals">
            {(['issued', 'spent', 'expired', 'outstanding'] as const).map((key) => (
              <Col span={6} key={key}>
                <Statistic title={label(key)} value={data.totals[key]} />
              </Col>
            ))}
          </Row>
          <Chart option={monthlyOption(data, label)} testId="points-liability-chart" />
          <Table<LiabilityRow>
            rowKey={(r) => `${r.store_id}-${r.month}`}
            size="small"
            dataSource={data.rows.filter((r) => r.issued || r.spent || r.expired || r.outstanding)}
            pagination={{ pageSize: 12, hideOnSinglePage: true }}
            data-testid="points-liability-table"
            columns={[
              {
                title: t('reports.store'),
                dataIndex: 'store_name',
                render: (n: string | null) => n ?? t('reports.noStore'),
              },
              { title: t('reports.month'), dataIndex: 'month' },
              ...(['issued', 'spent', 'expired', 'outstanding'] as const).map((key) => ({
                title: label(key),
                dataIndex: key,
                align: 'right' as const,
                render: (n: number) => n.toLocaleString(),
              })),
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
