import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { useStores } from '../../queries.ts';
import type { Staff } from '../../wire-types.ts';

const ROLES: Staff['role'][] = ['owner', 'manager', 'cashier', 'marketer'];
const FIELDS = ['login', 'display_name', 'password', 'role', 'store_id', 'active'];

interface StaffForm {
  login?: string;
  display_name: string;
  password?: string;
  role: Staff['role'];
  store_id: string | null;
  active?: boolean;
}

/** Add a staff member, or edit one (a new password only when typed). */
export function StaffFormModal(props: { editing: Staff | 'new' | null; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { stores } = useStores();
  const [form] = Form.useForm<StaffForm>();
  const queryClient = useQueryClient();
  const { editing } = props;
  const creating = editing === 'new';
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(
      editing === 'new' ? { role: 'cashier', store_id: null } : { ...editing, password: undefined },
    );
  }, [editing, form]);
  const save = useMutation({
    mutationFn: ({ login, password, active, ...rest }: StaffForm) =>
      editing === 'new' || !editing
        ? api.post<Staff>('/staff', { login, password, ...rest })
        : api.patch<Staff>(`/staff/${editing.id}`, {
            ...rest,
            active,
            ...(password ? { password } : {}),
          }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['staff'] });
      props.onClose();
    },
    onError: (error) => {
      if (!showFieldError(form, error, FIELDS)) void message.error(error.message);
    },
  });

  return (
    <Modal
      title={creating ? t('staff.new') : t('common.edit')}
      open={editing !== null}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      forceRender
    >
      <Form<StaffForm> form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
        {creating && (
          <Form.Item name="login" label={t('staff.login')} rules={[{ required: true, min: 3 }]}>
            <Input autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item name="display_name" label={t('staff.displayName')} rules={[{ required: true }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="password"
          label={creating ? t('staff.password') : t('staff.newPassword')}
          rules={[{ required: creating, min: 8 }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')} rules={[{ required: true }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <Form.Item name="store_id" label={t('staff.store')}>
          <Select
            options={[
              { value: null, label: t('staff.allStores') },
              ...stores.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
        </Form.Item>
        {!creating && (
          <Form.Item name="active" label={t('staff.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
