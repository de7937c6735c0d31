import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { formatTime } from '../../format.ts';
import type { Identity, IdentityKind } from '../../wire-types.ts';
import { memberKey } from './member-queries.ts';

const KINDS: IdentityKind[] = ['wechat_openid', 'wechat_unionid', 'shop_customer', 'legacy_card'];

export function IdentitiesTab(props: {
  memberId: string;
  identities: Identity[];
  editable: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ kind: IdentityKind; value: string }>();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: memberKey(props.memberId) });
  const link = useMutation({
    mutationFn: (body: { kind: IdentityKind; value: string }) =>
      api.post(`/members/${props.memberId}/identities`, body),
    onSuccess: () => {
      form.resetFields(['value']);
      void refresh();
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['kind', 'value'])) void message.error(error.message);
    },
  });
  const unlink = useMutation({
    mutationFn: (identityId: string) =>
      api.delete(`/members/${props.memberId}/identities/${identityId}`),
    onSuccess: () => void refresh(),
    onError: (error) => void message.error(error.message),
  });

  return (
    <>
      {props.editable && (
        <Form
          form={form}
          layout="inline"
          initialValues={{ kind: 'wechat_openid' }}
          onFinish={(values) => link.mutate({ ...values, value: values.value.trim() })}
          style={{ marginBottom: 16 }}
        >
          <Form.Item name="kind">
            <Select
              style={{ width: 180 }}
              options={KINDS.map((k) => ({ value: k, label: t(`identityKind.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="value" rules={[{ required: true, whitespace: true }]}>
            <Input placeholder={t('member.value')} style={{ width: 260 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={link.isPending}>
            {t('member.linkIdentity')}
          </Button>
        </Form>
      )}
      <Table<Identity>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={props.identities}
        columns={[
          {
            title: t('member.kind'),
            dataIndex: 'kind',
            render: (k: string) => t(`identityKind.${k}`),
          },
          { title: t('member.value'), dataIndex: 'value' },
          { title: t('member.linkedAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, identity: Identity) =>
              props.editable && (
                <Space>
                  <Popconfirm
                    title={t('member.unlinkConfirm')}
                    onConfirm={() => unlink.mutateAsync(identity.id)}
                  >
                    <Button size="small" danger>
                      {t('member.unlink')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
    </>
  );
}
