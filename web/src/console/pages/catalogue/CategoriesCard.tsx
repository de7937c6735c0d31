import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import type { Category } from '../../wire-types.ts';

export const useCatalogueCategories = () =>
  useQuery({
    queryKey: ['catalogue', 'categories'],
    queryFn: () => api.get<Category[]>('/catalogue/categories'),
    staleTime: 30_000,
  });

type CategoryForm = Pick<Category, 'code' | 'name'>;

/** The category list and its create / rename dialog (a code never changes once created). */
export function CategoriesCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, isLoading } = useCatalogueCategories();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [form] = Form.useForm<CategoryForm>();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: CategoryForm) =>
      editing === 'new' || !editing
        ? api.post<Category>('/catalogue/categories', v)
        : api.patch<Category>(`/catalogue/categories/${editing.id}`, { name: v.name }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['catalogue', 'categories'] });
      setEditing(null);
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['code', 'name'])) void message.error(error.message);
    },
  });
  const open = (c: Category | 'new') => {
    form.setFieldsValue(c === 'new' ? { code: '', name: '' } : c);
    setEditing(c);
  };
  return (
    <Card
      title={t('catalogue.categories')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => open('new')}>
          {t('catalogue.newCategory')}
        </Button>
      }
    >
      <Table<Category>
        rowKey="id"
        size="small"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        columns={[
          { title: t('catalogue.code'), dataIndex: 'code' },
          { title: t('catalogue.categoryName'), dataIndex: 'name' },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c) => (
              <Button size="small" onClick={() => open(c)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title={editing === 'new' ? t('catalogue.newCategory') : t('common.edit')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        forceRender
      >
        <Form<CategoryForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item
            name="code"
            label={t('catalogue.code')}
            extra={t('catalogue.codeHelp')}
            rules={[{ required: true, pattern: /^\S+$/ }]}
          >
            <Input maxLength={64} disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="name" label={t('catalogue.categoryName')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
