import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Form, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { useCustomFields, useStores } from '../../queries.ts';
import type { Member } from '../../wire-types.ts';
import {
  MEMBER_FIELDS,
  MemberFormFields,
  type MemberFormValues,
  toMemberBody,
} from './member-form.tsx';

export function RegisterMemberDrawer(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MemberFormValues>();
  const { stores } = useStores();
  const customFields = useCustomFields().data ?? [];
  const queryClient = useQueryClient();
  const register = useMutation({
    mutationFn: (values: MemberFormValues) => api.post<Member>('/members', toMemberBody(values)),
    onSuccess: (member) => {
      void message.success(t('members.registeredOk', { card: member.card_no }));
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      form.resetFields();
      props.onClose();
    },
    onError: (error) => {
      if (!showFieldError(form, error, MEMBER_FIELDS)) void message.error(error.message);
    },
  });

  return (
    <Drawer
      title={t('members.register')}
      open={props.open}
      onClose={props.onClose}
      size={440}
      extra={
        <Space>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={register.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<MemberFormValues>
        form={form}
        layout="vertical"
        initialValues={{ gender: 'unknown', source_channel: 'store', marketing_consent: false }}
        onFinish={(values) => register.mutate(values)}
        data-testid="register-form"
      >
        <MemberFormFields stores={stores} customFields={customFields} />
      </Form>
    </Drawer>
  );
}
