import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { formatTime } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { orderImportZhCN } from '../../i18n/order-import-zh-CN.ts';
import type { ImportJob, ImportStatus } from '../../wire-types.ts';

addPageMessages(orderImportZhCN);

const COLORS: Record<ImportStatus, string> = {
  uploaded: 'default',
  dry_running: 'processing',
  dry_run_done: 'blue',
  committing: 'processing',
  done: 'success',
  failed: 'error',
};

export default function ImportsPage() {
  const { t } = useTranslation();
  const jobs = useQuery({
    queryKey: ['imports'],
    queryFn: () => api.get<ImportJob[] | { items: ImportJob[] }>('/imports'),
  });
  // the list may come bare or paged; both read the same
  const rows = Array.isArray(jobs.data) ? jobs.data : (jobs.data?.items ?? []);
  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('imports.title')}
        </Typography.Title>
        <Link to="/imports/new">
          <Button type="primary" icon={<PlusOutlined />}>
            {t('imports.new')}
          </Button>
        </Link>
      </Flex>
      <Typography.Title level={5}>{t('imports.history')}</Typography.Title>
      <Table<ImportJob>
        rowKey="id"
        size="middle"
        loading={jobs.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('imports.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('imports.file'),
            dataIndex: 'file_name',
            render: (name: string, job) => <Link to={`/imports/${job.id}`}>{name}</Link>,
          },
          {
            title: t('orderImport.kind'),
            dataIndex: 'kind',
            render: (kind: ImportJob['kind']) =>
              kind === 'orders' ? t('orderImport.kindOrders') : t('orderImport.kindMembers'),
          },
          {
            title: t('imports.status'),
            dataIndex: 'status',
            render: (s: ImportStatus) => <Tag color={COLORS[s]}>{t(`importStatus.${s}`)}</Tag>,
          },
          { title: t('imports.total'), dataIndex: 'total_rows', align: 'right' },
          { title: t('imports.ok'), dataIndex: 'ok_rows', align: 'right' },
          { title: t('imports.bad'), dataIndex: 'bad_rows', align: 'right' },
          { title: t('imports.newMembers'), dataIndex: 'new_members', align: 'right' },
        ]}
      />
    </Card>
  );
}
