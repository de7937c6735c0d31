import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Flex, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime, yuan } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { referralZhCN } from '../../i18n/referral-zh-CN.ts';
import { ReferralSettingsCard } from './ReferralSettingsCard.tsx';

addPageMessages(referralZhCN);

interface SharerRow {
  member_id: string;
  card_no: string;
  name: string | null;
  referees: number;
  orders: number;
  sales_fen: number;
  commission_fen: number;
  points: number;
  unrecovered_fen: number;
}
interface StoreRow {
  store_id: string;
  store_name: string;
  bound: number;
  orders: number;
  sales_fen: number;
  commission_fen: number;
  points: number;
  unrecovered_fen: number;
}
interface Withdrawal {
  id: string;
  member_id: string;
  amount_fen: number;
  status: 'pending' | 'approved' | 'refused';
  note: string | null;
  requested_at: string;
}

/** 全民拓客: the rules, the report per sharer and per store, and the withdrawals to decide. */
export default function ReferralPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [range, setRange] = useState<[string, string]>([
    dayjs().startOf('month').format('YYYY-MM-DD'),
    dayjs().format('YYYY-MM-DD'),
  ]);
  const report = useQuery({
    queryKey: ['referral', 'report', range],
    queryFn: () =>
      api.get<{ sharers: SharerRow[]; stores: StoreRow[] }>('/reports/referral', {
        from: range[0],
        to: range[1],
      }),
    enabled: can('reports.read'),
  });
  const common = [
    { title: t('referral.orders'), dataIndex: 'orders', align: 'right' as const },
    { title: t('referral.sales'), dataIndex: 'sales_fen', align: 'right' as const, render: yuan },
    {
      title: t('referral.commission'),
      dataIndex: 'commission_fen',
      align: 'right' as const,
      render: yuan,
    },
    { title: t('referral.points'), dataIndex: 'points', align: 'right' as const },
    {
      title: t('referral.unrecovered'),
      dataIndex: 'unrecovered_fen',
      align: 'right' as const,
      render: yuan,
    },
  ];
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('referral.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('referral.explain')}
      </Typography.Paragraph>
      <ReferralSettingsCard editable={can('loyalty.admin')} />
      {can('reports.read') && (
        <Card
          title={t('referral.report')}
          extra={
            <DatePicker.RangePicker
              allowClear={false}
              aria-label={t('referral.period')}
              value={[dayjs(range[0]), dayjs(range[1])]}
              onChange={(d) =>
                d?.[0] && d[1] && setRange([d[0].format('YYYY-MM-DD'), d[1].format('YYYY-MM-DD')])
              }
            />
          }
        >
          <Typography.Title level={5}>{t('referral.bySharer')}</Typography.Title>
          <Table<SharerRow>
            rowKey="member_id"
            size="small"
            loading={report.isLoading}
            dataSource={report.data?.sharers ?? []}
            pagination={false}
            scroll={{ x: true }}
            columns={[
              {
                title: t('referral.sharer'),
                key: 'sharer',
                render: (_: unknown, r) => `${r.name ?? '—'} · ${r.card_no}`,
              },
              { title: t('referral.referees'), dataIndex: 'referees', align: 'right' },
              ...common,
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('referral.byStore')}
          </Typography.Title>
          <Table<StoreRow>
            rowKey="store_id"
            size="small"
            loading={report.isLoading}
            dataSource={report.data?.stores ?? []}
            pagination={false}
            scroll={{ x: true }}
            columns={[
              { title: t('referral.store'), dataIndex: 'store_name' },
              { title: t('referral.bound'), dataIndex: 'bound', align: 'right' },
              ...common,
            ]}
          />
        </Card>
      )}
      {can('reports.read') && <WithdrawalsCard canDecide={can('referral.payout')} />}
    </Flex>
  );
}

function WithdrawalsCard({ canDecide }: { canDecide: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['referral', 'withdrawals'],
    queryFn: () => api.get<Withdrawal[]>('/referral/withdrawals'),
  });
  const decide = useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'refuse' }) =>
      api.post<Withdrawal>(`/referral/withdrawals/${id}/decision`, { decision }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['referral', 'withdrawals'] }),
    onError: (e) => void message.error((e as Error).message),
  });
  const color = { pending: 'gold', approved: 'green', refused: 'default' } as const;
  return (
    <Card title={t('referral.withdrawals')}>
      <Table<Withdrawal>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('referral.requestedAt'), dataIndex: 'requested_at', render: formatTime },
          { title: t('referral.amount'), dataIndex: 'amount_fen', align: 'right', render: yuan },
          { title: t('referral.note'), dataIndex: 'note' },
          {
            title: t('referral.status'),
            dataIndex: 'status',
            render: (s: Withdrawal['status']) => <Tag color={color[s]}>{t(`referral.${s}`)}</Tag>,
          },
          {
            key: 'decide',
            render: (_: unknown, w) =>
              canDecide &&
              w.status === 'pending' && (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => decide.mutate({ id: w.id, decision: 'approve' })}
                  >
                    {t('referral.approve')}
                  </Button>
                  <Button
                    size="small"
                    onClick={() => decide.mutate({ id: w.id, decision: 'refuse' })}
                  >
                    {t('referral.refuse')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}
