import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiKey, api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { formatTime } from '../../format.ts';

const SCOPES = [
  'members.read',
  'members.pii',
  'members.write',
  'members.merge',
  'members.erase',
  'members.export',
  'imports.run',
  'ledger.adjust',
  'stores.admin',
  'audit.read',
];

interface KeyForm {
  name: string;
  scopes: string[];
}

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api.get<ApiKey[]>('/api-keys') });
  const [creating, setCreating] = useState(false);
  const [createdKey, setCreatedKey] = useState<string | null>(null);
  const [form] = Form.useForm<KeyForm>();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  const create = useMutation({
    mutationFn: (values: KeyForm) =>
      api.post<{ key: string; api_key: ApiKey }>('/api-keys', values),
    onSuccess: (result) => {
      setCreating(false);
      form.resetFields();
      setCreatedKey(result.key);
      void refresh();
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'scopes'])) void message.error(error.message);
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.post<ApiKey>(`/api-keys/${id}/revoke`),
    onSuccess: () => void refresh(),
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
      <Modal
        title={t('apiKeys.new')}
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form<KeyForm> form={form} layout="vertical" onFinish={(values) => create.mutate(values)}>
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="scopes" label={t('apiKeys.scopes')} rules={[{ required: true }]}>
            <Select
              mode="multiple"
              options={SCOPES.map((s) => ({ value: s, label: `${t(`scope.${s}`)} (${s})` }))}
            />
          </Form.Item>
        </Form>
      </Modal>
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
