import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Rendered, Template } from './messaging-types.ts';

interface FormValues {
  code: string;
  purpose: 'marketing' | 'service';
  title_zh: string;
  body_zh: string;
  title_en: string;
  body_en: string;
  vars: string;
}

const fieldsOf = (t: Template): Omit<FormValues, 'vars'> => ({
  code: t.code,
  purpose: t.purpose,
  title_zh: t['zh-CN'].title,
  body_zh: t['zh-CN'].body,
  title_en: t.en.title,
  body_en: t.en.body,
});

/** 消息模板: the built-ins and the merchant's own; an own template of a built-in code overrides it. */
export function TemplatesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const [preview, setPreview] = useState<{ 'zh-CN': Rendered; en: Rendered } | null>(null);
  const [form] = Form.useForm<FormValues>();
  const templates = useQuery({
    queryKey: ['messaging', 'templates'],
    queryFn: () => api.get<Template[]>('/messaging/templates'),
  });
  const save = useMutation({
    mutationFn: async (v: FormValues) => {
      const { vars: _vars, code, ...texts } = v;
      const own = editing !== 'new' && editing?.id ? editing.id : null;
      return own
        ? api.patch(`/messaging/templates/${own}`, texts)
        : api.post('/messaging/templates', { code, ...texts });
    },
    onSuccess: () => {
      void message.success(t('common.saved'));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: ['messaging', 'templates'] });
    },
    onError: (error) => void message.error(error.message),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/messaging/templates/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['messaging', 'templates'] }),
    onError: (error) => void message.error(error.message),
  });
  const runPreview = async () => {
    const v = form.getFieldsValue();
    let vars: Record<string, string | number>;
    try {
      vars = JSON.parse(v.vars || '{}');
    } catch {
      return void message.error(t('messaging.invalidJson'));
    }
    const { title_zh, body_zh, title_en, body_en } = v;
    setPreview(
      await api.post('/messaging/templates/preview', {
        text: { title_zh, body_zh, title_en, body_en },
        vars,
      }),
    );
  };
  const open = (target: Template | 'new') => {
    setEditing(target);
    setPreview(null);
    form.setFieldsValue(
      target === 'new' ? { purpose: 'marketing', vars: '{}' } : { ...fieldsOf(target), vars: '{}' },
    );
  };
  return (
    <Flex vertical gap={12}>
      <Flex justify="end">
        <Button type="primary" onClick={() => open('new')}>
          {t('messaging.newTemplate')}
        </Button>
      </Flex>
      <Table<Template>
        rowKey="code"
        data-testid="message-templates"
        loading={templates.isLoading}
        dataSource={templates.data ?? []}
        pagination={false}
        columns={[
          { title: t('messaging.code'), dataIndex: 'code' },
          {
            title: t('messaging.purpose'),
            dataIndex: 'purpose',
            render: (p: string) => t(`messaging.purposes.${p}`),
          },
          {
            title: t('messaging.titleZh'),
            key: 'title',
            render: (_: unknown, r) => r['zh-CN'].title,
          },
          {
            title: t('messaging.bodyZh'),
            key: 'body',
            ellipsis: true,
            render: (_: unknown, r) => r['zh-CN'].body,
          },
          {
            title: '',
            key: 'kind',
            render: (_: unknown, r) =>
              r.built_in ? (
                <Tag>{t('messaging.builtIn')}</Tag>
              ) : r.overridden ? (
                <Tag color="blue">{t('messaging.overridden')}</Tag>
              ) : null,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r) => (
              <Flex gap={8}>
                <Button size="small" onClick={() => open(r)}>
                  {r.built_in ? t('messaging.override') : t('common.edit')}
                </Button>
                {r.id ? (
                  <Button size="small" danger onClick={() => remove.mutate(r.id!)}>
                    {t('common.delete')}
                  </Button>
                ) : null}
              </Flex>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('messaging.newTemplate') : editing?.code}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        confirmLoading={save.isPending}
        width={640}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t('messaging.code')} rules={[{ required: true }]}>
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="purpose" label={t('messaging.purpose')}>
            <Select
              options={['marketing', 'service'].map((p) => ({
                value: p,
                label: t(`messaging.purposes.${p}`),
              }))}
            />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('messaging.varsHint')}</Typography.Paragraph>
          {(['title_zh', 'body_zh', 'title_en', 'body_en'] as const).map((f) => (
            <Form.Item
              key={f}
              name={f}
              label={t(`messaging.${f.replace(/_(\w)/, (_, c: string) => c.toUpperCase())}`)}
              rules={[{ required: true }]}
            >
              {f.startsWith('body') ? <Input.TextArea rows={3} /> : <Input />}
            </Form.Item>
          ))}
          <Form.Item name="vars" label={t('messaging.sampleVars')}>
            <Input placeholder='{"name":"李雷"}' />
          </Form.Item>
          <Button onClick={() => void runPreview()}>{t('messaging.preview')}</Button>
          {preview ? (
            <div data-testid="template-preview" style={{ marginTop: 12 }}>
              <Typography.Text strong>{preview['zh-CN'].title}</Typography.Text>
              <Typography.Paragraph>{preview['zh-CN'].body}</Typography.Paragraph>
              <Typography.Text strong>{preview.en.title}</Typography.Text>
              <Typography.Paragraph>{preview.en.body}</Typography.Paragraph>
            </div>
          ) : null}
        </Form>
      </Modal>
    </Flex>
  );
}
