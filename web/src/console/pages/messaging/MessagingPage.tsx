import { Card, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { addPageMessages } from '../../i18n/index.ts';
import { messagingZhCN } from '../../i18n/messaging-zh-CN.ts';
import { ChannelsTab } from './ChannelsTab.tsx';
import { MessageLog } from './MessageLog.tsx';
import { TemplatesTab } from './TemplatesTab.tsx';

addPageMessages(messagingZhCN);

export default function MessagingPage() {
  const { t } = useTranslation();
  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('messaging.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('messaging.hint')}</Typography.Paragraph>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'templates', label: t('messaging.tabs.templates'), children: <TemplatesTab /> },
          { key: 'channels', label: t('messaging.tabs.channels'), children: <ChannelsTab /> },
          { key: 'log', label: t('messaging.tabs.log'), children: <MessageLog /> },
        ]}
      />
    </Card>
  );
}
