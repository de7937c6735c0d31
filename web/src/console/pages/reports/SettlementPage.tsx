import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Flex, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import { catalogueZhCN } from '../../i18n/catalogue-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import type { SettlementRow } from '../../wire-types.ts';

addPageMessages(catalogueZhCN);

/** 储值结算: principal sold in one store and spent in another, per local month; bonus apart. */
export default function SettlementPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(dayjs().subtract(1, 'month').format('YYYY-MM'));
  const report = useQuery({
    queryKey: ['reports', 'settlement', month],
    queryFn: () => api.get<SettlementRow[]>('/reports/settlement', { month }),
  });
  const rows = report.data ?? [];
  const cross = rows.filter((r) => r.sold_store_id !== r.spent_store_id);
  const store = (name: string | null) => name ?? t('settlement.unattributed');
  return (
    <Card>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('settlement.title')}
        </Typography.Title>
        <Flex gap={8}>
          <DatePicker
            picker="month"
            allowClear={false}
            aria-label={t('settlement.month')}
            value={dayjs(`${month}-01`)}
            onChange={(d) => d && setMonth(d.format('YYYY-MM'))}
          />
          <Button
            icon={<DownloadOutlined />}
            onClick={() =>
              void api.download('/reports/settlement/export', { month }, `settlement-${month}.csv`)
            }
          >
            {t('settlement.export')}
          </Button>
        </Flex>
      </Flex>
      <Typography.Paragraph type="secondary">{t('settlement.rule')}</Typography.Paragraph>
      <Statistic
        title={t('settlement.totalCross')}
        value={yuan(cross.reduce((sum, r) => sum + r.principal_fen, 0))}
        style={{ marginBottom: 16 }}
      />
      <Table<SettlementRow>
        rowKey={(r) => `${r.sold_store_id}-${r.spent_store_id}`}
        loading={report.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { title: t('settlement.soldStore'), dataIndex: 'sold_store_name', render: store },
          {
            title: t('settlement.spentStore'),
            key: 'spent',
            render: (_: unknown, r) => (
              <>
                {store(r.spent_store_name)}{' '}
                {r.sold_store_id !== r.spent_store_id && (
                  <Tag color="orange">{t('settlement.crossStore')}</Tag>
                )}
              </>
            ),
          },
          {
            title: t('settlement.principal'),
            dataIndex: 'principal_fen',
            align: 'right',
            render: yuan,
          },
          { title: t('settlement.bonus'), dataIndex: 'bonus_fen', align: 'right', render: yuan },
        ]}
      />
    </Card>
  );
}
