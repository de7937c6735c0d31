import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Staff } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { formatTime } from '../../format.ts';
import { useStores } from '../../queries.ts';

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

export default function StaffPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { stores, nameOf } = useStores();
  const staff = useQuery({ queryKey: ['staff'], queryFn: () => api.get<Staff[]>('/staff') });
  const [editing, setEditing] = useState<Staff | 'new' | null>(null);
  const [form] = Form.useForm<StaffForm>();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: ({ login, password, ...rest }: StaffForm) =>
      editing === 'new' || !editing
        ? api.post<Staff>('/staff', { login, password, ...rest, active: undefined })
        : api.patch<Staff>(`/staff/${editing.id}`, { ...rest, ...(password ? { password } : {}) }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['staff'] });
      setEditing(null);
    },
    onError: (error) => {
      if (!showFieldError(form, error, FIELDS)) void message.error(error.message);
    },
  });
  const open = (row: Staff | 'new') => {
    form.resetFields();
    form.setFieldsValue(
      row === 'new' ? { role: 'cashier', store_id: null } : { ...row, password: undefined },
    );
    setEditing(row);
  };
  const creating = editing === 'new';

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('staff.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
          {t('staff.new')}
        </Button>
      </Flex>
      <Table<Staff>
        rowKey="id"
        loading={staff.isLoading}
        dataSource={staff.data ?? []}
        pagination={false}
        columns={[
          { title: t('staff.login'), dataIndex: 'login' },
          { title: t('staff.displayName'), dataIndex: 'display_name' },
          { title: t('staff.role'), dataIndex: 'role', render: (r: string) => t(`role.${r}`) },
          {
            title: t('staff.store'),
            dataIndex: 'store_id',
            render: (id: string | null) => (id ? nameOf(id) : t('staff.allStores')),
          },
          {
            title: t('staff.active'),
            key: 'active',
            render: (_: unknown, s) => (
              <>
                <Tag color={s.active ? 'green' : 'default'}>
                  {s.active ? t('common.yes') : t('common.no')}
                </Tag>
                {s.locked_until && new Date(s.locked_until) > new Date() && (
                  <Tag color="red">{t('staff.locked', { time: formatTime(s.locked_until) })}</Tag>
                )}
              </>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s) => (
              <Button size="small" onClick={() => open(s)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title={creating ? t('staff.new') : t('common.edit')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
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
          <Form.Item
            name="display_name"
            label={t('staff.displayName')}
            rules={[{ required: true }]}
          >
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
    </Card>
  );
}
