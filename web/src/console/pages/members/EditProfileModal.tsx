import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { useCustomFields, useStores } from '../../queries.ts';
import type { Member } from '../../wire-types.ts';
import {
  MEMBER_FIELDS,
  MemberFormFields,
  type MemberFormValues,
  toFormValues,
  toMemberBody,
} from './member-form.tsx';

const NULLABLE = ['name', 'birthday', 'home_store_id'];

/** PATCH sends only what changed: a masked phone shown to a cashier is never sent back. */
function changes(before: MemberFormValues, after: MemberFormValues) {
  const a = toMemberBody(before);
  const b = toMemberBody(after);
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    if (b[key] !== undefined) patch[key] = b[key];
    else if (NULLABLE.includes(key)) patch[key] = null;
  }
  return patch;
}

export function EditProfileModal(props: { member: Member; open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MemberFormValues>();
  const { stores } = useStores();
  const customFields = useCustomFields().data ?? [];
  const initial = toFormValues(props.member, customFields);
  const queryClient = useQueryClient();
  const save = useMutation({
    // nothing changed: no request (an empty PATCH is a 400 by the API's rule)
    mutationFn: async (values: MemberFormValues) => {
      const patch = changes(initial, values);
      return Object.keys(patch).length > 0
        ? api.patch<Member>(`/members/${props.member.id}`, patch)
        : props.member;
    },
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['member', props.member.id] });
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      props.onClose();
    },
    onError: (error) => {
      if (!showFieldError(form, error, MEMBER_FIELDS)) void message.error(error.message);
    },
  });
  return (
    <Modal
      title={t('member.editProfile')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<MemberFormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => save.mutate(values)}
        clearOnDestroy
      >
        <MemberFormFields stores={stores} customFields={customFields} />
      </Form>
    </Modal>
  );
}
