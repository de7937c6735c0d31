import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, InputNumber, Modal, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useMerchant } from '../../queries.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';

/** The merchant's frequency cap across campaigns: what a new campaign's wizard starts from. */
export function DefaultCapModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ max?: number | null; days?: number | null }>();
  const merchant = useMerchant(props.open);
  const save = useMutation({
    mutationFn: (v: { max?: number | null; days?: number | null }) =>
      api.patch('/merchant', {
        campaign_cap: v.max && v.days ? { max: v.max, days: v.days } : null,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['merchant'] });
      void message.success(t('campaigns.defaultCap.saved'));
      props.onClose();
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  const cap = merchant.data?.campaign_cap;
  return (
    <Modal
      title={t('campaigns.defaultCap.title')}
      open={props.open && merchant.isSuccess}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ max: cap?.max, days: cap?.days }}
        onFinish={(v) => save.mutate(v)}
      >
        <Typography.Paragraph type="secondary">
          {t('campaigns.defaultCap.help')}
        </Typography.Paragraph>
        <CapFields max="max" days="days" />
      </Form>
    </Modal>
  );
}

/** The two numbers of a frequency cap, under the form's own field names. */
export function CapFields(props: { max: string; days: string }) {
  const { t } = useTranslation();
  return (
    <Space wrap>
      <Form.Item name={props.max} label={t('campaigns.capMax')}>
        <InputNumber min={1} max={100} precision={0} />
      </Form.Item>
      <Form.Item name={props.days} label={t('campaigns.capDays')}>
        <InputNumber min={1} max={365} precision={0} />
      </Form.Item>
    </Space>
  );
}
