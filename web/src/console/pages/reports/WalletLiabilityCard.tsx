import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';
import type { WalletLiability, WalletLiabilityRow } from '../../wire-types.ts';
import { Chart, type ChartOption } from './Chart.tsx';

const KEYS = ['principal_fen', 'bonus_fen', 'bonus_pending_fen'] as const;

/** Per store, principal and bonus stacked (what the merchant owes), pending bonus beside. */
function storeOption(report: WalletLiability, label: (k: string) => string, noStore: string) {
  const stores = report.stores.map((s) => s.store_name ?? noStore);
  const option: ChartOption = {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => yuan(Math.round(Number(v) * 100)),
    },
    legend: { top: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: stores },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString()}` } },
    series: KEYS.map((key) => ({
      name: label(key),
      type: 'bar' as const,
      stack: key === 'bonus_pending_fen' ? 'pending' : 'owed',
      data: report.stores.map((s) => s[key] / 100),
    })),
  };
  return option;
}

export function WalletLiabilityCard() {
  const { t } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'wallet-liability'],
    queryFn: () => api.get<WalletLiability>('/reports/wallet-liability'),
  });
  const data = report.data;
  const label = (key: string) => t(`reports.wallet.${key}`);
  return (
    <Card title={t('reports.wallet.title')} loading={report.isLoading}>
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {t('reports.asOf', { time: formatTime(data.as_of) })}
          </Typography.Text>
          <Row gutter={16} data-testid="wallet-liability-totals">
            {(['principal_fen', 'bonus_fen', 'total_fen', 'bonus_pending_fen'] as const).map(
              (key) => (
                <Col span={5} key={key}>
                  <Statistic title={label(key)} value={yuan(data.total[key])} />
                </Col>
              ),
            )}
            <Col span={4}>
              <Statistic title={label('members')} value={data.total.members} />
            </Col>
          </Row>
          <Chart
            option={storeOption(data, label, t('reports.noStore'))}
            testId="wallet-liability-chart"
          />
          <Table<WalletLiabilityRow>
            rowKey={(r) => r.store_id ?? 'none'}
            size="small"
            dataSource={data.stores}
            pagination={false}
            data-testid="wallet-liability-table"
            columns={[
              {
                title: t('reports.store'),
                dataIndex: 'store_name',
                render: (n: string | null) => n ?? t('reports.noStore'),
              },
              { title: label('members'), dataIndex: 'members', align: 'right' },
              ...(['principal_fen', 'bonus_fen', 'total_fen', 'bonus_pending_fen'] as const).map(
                (key) => ({
                  title: label(key),
                  dataIndex: key,
                  align: 'right' as const,
                  render: yuan,
                }),
              ),
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
