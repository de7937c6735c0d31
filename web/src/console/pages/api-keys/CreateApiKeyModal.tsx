import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import type { ApiKey } from '../../wire-types.ts';

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

export function CreateApiKeyModal(props: {
  open: boolean;
  onClose(): void;
  onCreated(key: string): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<KeyForm>();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (values: KeyForm) =>
      api.post<{ key: string; api_key: ApiKey }>('/api-keys', values),
    onSuccess: (result) => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      props.onCreated(result.key);
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'scopes'])) void message.error(error.message);
    },
  });
  return (
    <Modal
      title={t('apiKeys.new')}
      open={props.open}
      onCancel={props.onClose}
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
  );
}
