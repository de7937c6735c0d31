import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime } from '../../format.ts';
import { campaignsZhCN } from '../../i18n/campaigns-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { CampaignWizard } from './CampaignWizard.tsx';
import type { Campaign, CampaignStatus } from './campaign-types.ts';
import { DefaultCapModal } from './DefaultCapModal.tsx';

addPageMessages(campaignsZhCN);

export const STATUS_COLORS: Record<CampaignStatus, string> = {
  draft: 'default',
  scheduled: 'blue',
  launching: 'processing',
  launched: 'green',
  stopped_budget: 'orange',
  cancelled: 'default',
};

export default function CampaignsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [settingCap, setSettingCap] = useState(false);
  const { can } = useAuth();
  const list = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => api.get<{ items: Campaign[] }>('/campaigns', { limit: 200 }),
  });
  return (
    <Card
      title={t('campaigns.title')}
      extra={
        <Space>
          {can('merchant.admin') && (
            <Button onClick={() => setSettingCap(true)}>{t('campaigns.defaultCap.open')}</Button>
          )}
          <Button type="primary" onClick={() => setCreating(true)} data-testid="campaign-create">
            {t('campaigns.create')}
          </Button>
        </Space>
      }
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('campaigns.hint')}</Typography.Text>
        <Table<Campaign>
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          onRow={(row) => ({ onClick: () => navigate(`/campaigns/${row.id}`) })}
          columns={[
            { title: t('campaigns.name'), dataIndex: 'name' },
            {
              title: t('campaigns.status'),
              dataIndex: 'status',
              render: (s: CampaignStatus) => (
                <Tag color={STATUS_COLORS[s]}>{t(`campaigns.statuses.${s}`)}</Tag>
              ),
            },
            {
              title: t('campaigns.reach'),
              render: (_, row) => row.forecast?.reach ?? '—',
            },
            {
              title: t('campaigns.createdAt'),
              dataIndex: 'created_at',
              render: (v: string) => formatTime(v),
            },
            {
              title: t('campaigns.launchedAt'),
              dataIndex: 'launched_at',
              render: (v: string | null) => formatTime(v),
            },
          ]}
        />
      </Flex>
      <DefaultCapModal open={settingCap} onClose={() => setSettingCap(false)} />
      <CampaignWizard
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/campaigns/${id}`)}
      />
    </Card>
  );
}
