import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime } from '../../format.ts';
import type { ApiKey } from '../../wire-types.ts';
import { CreateApiKeyModal } from './CreateApiKeyModal.tsx';

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api.get<ApiKey[]>('/api-keys') });
  const [creating, setCreating] = useState(false);
  // the whole key exists only in the create response: it is shown once, then forgotten
  const [createdKey, setCreatedKey] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => api.post<ApiKey>(`/api-keys/${id}/revoke`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
    onError: (error) => void message.error(error.message),
  });

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('apiKeys.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('apiKeys.new')}
        </Button>
      </Flex>
      <Table<ApiKey>
        rowKey="id"
        loading={keys.isLoading}
        dataSource={keys.data ?? []}
        pagination={false}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          {
            title: t('apiKeys.prefix'),
            dataIndex: 'prefix',
            render: (p: string) => <code>rk_{p}_…</code>,
          },
          {
            title: t('apiKeys.scopes'),
            dataIndex: 'scopes',
            render: (scopes: string[]) => scopes.map((s) => <Tag key={s}>{s}</Tag>),
          },
          { title: t('imports.createdAt'), dataIndex: 'created_at', render: formatTime },
          { title: t('apiKeys.lastUsed'), dataIndex: 'last_used_at', render: formatTime },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, key) =>
              key.revoked_at ? (
                <Tag>{t('apiKeys.revoked')}</Tag>
              ) : (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm')}
                  onConfirm={() => revoke.mutateAsync(key.id)}
                >
                  <Button size="small" danger>
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <CreateApiKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setCreatedKey(key);
        }}
      />
      <Modal
        title={t('apiKeys.created')}
        open={createdKey !== null}
        onCancel={() => setCreatedKey(null)}
        footer={<Button onClick={() => setCreatedKey(null)}>{t('common.close')}</Button>}
      >
        <Alert type="warning" showIcon title={t('apiKeys.showOnce')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph copyable code data-testid="created-api-key">
          {createdKey}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
