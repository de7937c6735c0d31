import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { showFieldError } from '../../form-errors.ts';
import { formatTime } from '../../format.ts';
import { useStores } from '../../queries.ts';
import type { Store } from '../../wire-types.ts';

type StoreForm = Pick<Store, 'code' | 'name' | 'address'>;

// the member page's link and QR: antd's QR code only when a store page is open
const MemberLink = lazy(() => import('./MemberLink.tsx'));

export default function StoresPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { stores, isLoading } = useStores();
  const merchantId = useAuth().me?.merchant.id;
  const [editing, setEditing] = useState<Store | 'new' | null>(null);
  const [form] = Form.useForm<StoreForm>();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (values: StoreForm) =>
      editing === 'new' || !editing
        ? api.post<Store>('/stores', values)
        : api.patch<Store>(`/stores/${editing.id}`, values),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['stores'] });
      setEditing(null);
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['code', 'name', 'address']))
        void message.error(error.message);
    },
  });
  const open = (store: Store | 'new') => {
    form.setFieldsValue(store === 'new' ? { code: '', name: '', address: '' } : store);
    setEditing(store);
  };

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('stores.title')}
        </Typography.Title>
        <Space>
          {merchantId && (
            <Suspense>
              <MemberLink merchantId={merchantId} />
            </Suspense>
          )}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
            {t('stores.new')}
          </Button>
        </Space>
      </Flex>
      <Table<Store>
        rowKey="id"
        loading={isLoading}
        dataSource={stores}
        pagination={false}
        columns={[
          { title: t('stores.code'), dataIndex: 'code' },
          { title: t('stores.name'), dataIndex: 'name' },
          {
            title: t('stores.address'),
            dataIndex: 'address',
            render: (a: string | null) => a ?? '—',
          },
          { title: t('imports.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, store) => (
              <Space>
                <Button size="small" onClick={() => open(store)}>
                  {t('common.edit')}
                </Button>
                {merchantId && (
                  <Suspense>
                    <MemberLink merchantId={merchantId} storeId={store.id} />
                  </Suspense>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title={editing === 'new' ? t('stores.new') : t('common.edit')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        forceRender
      >
        <Form<StoreForm>
          form={form}
          layout="vertical"
          onFinish={(values) => save.mutate({ ...values, address: values.address || null })}
        >
          <Form.Item name="code" label={t('stores.code')} rules={[{ required: true }]}>
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item name="name" label={t('stores.name')} rules={[{ required: true }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="address" label={t('stores.address')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
