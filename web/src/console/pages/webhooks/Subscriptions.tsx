import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import type { CatalogueEntry, Subscription } from './webhook-types.ts';

interface SubscriptionForm {
  name: string;
  url: string;
  event_types: string[];
}

const KEY = ['webhooks', 'subscriptions'];

export function Subscriptions({ catalogue }: { catalogue: CatalogueEntry[] }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => api.get<Subscription[]>('/webhooks/subscriptions'),
  });
  const [creating, setCreating] = useState(false);
  // the secret exists only in the create and rotate answers: shown once, then forgotten
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<SubscriptionForm>();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const onError = (error: Error) => void message.error(error.message);
  const create = useMutation({
    mutationFn: (values: SubscriptionForm) =>
      api.post<Subscription>('/webhooks/subscriptions', values),
    onSuccess: (created) => {
      form.resetFields();
      setCreating(false);
      setSecret(created.secret ?? null);
      refresh();
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'url', 'event_types'])) onError(error);
    },
  });
  const patch = useMutation({
    mutationFn: (s: Subscription) =>
      api.patch(`/webhooks/subscriptions/${s.id}`, { active: !s.active }),
    onSuccess: refresh,
    onError,
  });
  const rotate = useMutation({
    mutationFn: (id: string) =>
      api.post<Subscription>(`/webhooks/subscriptions/${id}/rotate-secret`),
    onSuccess: (s) => setSecret(s.secret ?? null),
    onError,
  });
  const test = useMutation({
    mutationFn: (id: string) => api.post(`/webhooks/subscriptions/${id}/test`),
    onSuccess: () => {
      void message.success(t('webhooks.testSent'));
      refresh();
    },
    onError,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/webhooks/subscriptions/${id}`),
    onSuccess: refresh,
    onError,
  });
  const describe = (type: string) => {
    const entry = catalogue.find((c) => c.type === type);
    return entry ? (i18n.language === 'en' ? entry.en : entry.zh) : type;
  };

  return (
    <Flex vertical gap={12}>
      <Flex justify="end">
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="webhook-create"
        >
          {t('webhooks.create')}
        </Button>
      </Flex>
      <Table<Subscription>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={false}
        columns={[
          { title: t('webhooks.name'), dataIndex: 'name' },
          { title: t('webhooks.url'), dataIndex: 'url', render: (u: string) => <code>{u}</code> },
          {
            title: t('webhooks.events'),
            dataIndex: 'event_types',
            render: (types: string[]) =>
              types.map((type) => (
                <Tag key={type} title={describe(type)}>
                  {type}
                </Tag>
              )),
          },
          {
            title: t('webhooks.status'),
            dataIndex: 'active',
            render: (active: boolean) =>
              active ? (
                <Tag color="green">{t('webhooks.active')}</Tag>
              ) : (
                <Tag>{t('webhooks.paused')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s) => (
              <Space wrap>
                <Button size="small" onClick={() => test.mutate(s.id)}>
                  {t('webhooks.test')}
                </Button>
                <Button size="small" onClick={() => patch.mutate(s)}>
                  {s.active ? t('webhooks.pause') : t('webhooks.resume')}
                </Button>
                <Popconfirm
                  title={t('webhooks.rotateConfirm')}
                  onConfirm={() => rotate.mutateAsync(s.id)}
                >
                  <Button size="small">{t('webhooks.rotate')}</Button>
                </Popconfirm>
                <Popconfirm
                  title={t('webhooks.removeConfirm')}
                  onConfirm={() => remove.mutateAsync(s.id)}
                >
                  <Button size="small" danger>
                    {t('webhooks.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title={t('webhooks.create')}
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        forceRender
      >
        <Form<SubscriptionForm>
          form={form}
          layout="vertical"
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item name="name" label={t('webhooks.name')} rules={[{ required: true }]}>
            <Input maxLength={100} data-testid="webhook-name" />
          </Form.Item>
          <Form.Item name="url" label={t('webhooks.url')} rules={[{ required: true }]}>
            <Input placeholder="https://" maxLength={2000} data-testid="webhook-url" />
          </Form.Item>
          <Form.Item name="event_types" label={t('webhooks.events')} rules={[{ required: true }]}>
            <Select
              data-testid="webhook-events"
              mode="multiple"
              options={catalogue.map((c) => ({
                value: c.type,
                label: `${c.type} · ${describe(c.type)}`,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={t('webhooks.secretTitle')}
        open={secret !== null}
        onCancel={() => setSecret(null)}
        footer={<Button onClick={() => setSecret(null)}>{t('common.close')}</Button>}
      >
        <Alert
          type="warning"
          showIcon
          title={t('webhooks.secretOnce')}
          style={{ marginBottom: 16 }}
        />
        <Typography.Paragraph copyable code data-testid="webhook-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    </Flex>
  );
}
