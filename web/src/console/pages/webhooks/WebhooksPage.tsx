import { useQuery } from '@tanstack/react-query';
import { Card, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { webhooksZhCN } from '../../i18n/webhooks-zh-CN.ts';
import { DeliveryLog } from './DeliveryLog.tsx';
import { Subscriptions } from './Subscriptions.tsx';
import type { CatalogueEntry } from './webhook-types.ts';

addPageMessages(webhooksZhCN);

export default function WebhooksPage() {
  const { t } = useTranslation();
  const catalogue = useQuery({
    queryKey: ['webhooks', 'catalogue'],
    queryFn: () => api.get<CatalogueEntry[]>('/webhooks/catalogue'),
  });
  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('webhooks.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('webhooks.hint')}</Typography.Paragraph>
      <Tabs
        items={[
          {
            key: 'subscriptions',
            label: t('webhooks.tabs.subscriptions'),
            children: <Subscriptions catalogue={catalogue.data ?? []} />,
          },
          {
            key: 'deliveries',
            label: t('webhooks.tabs.deliveries'),
            children: <DeliveryLog />,
          },
        ]}
      />
    </Card>
  );
}
