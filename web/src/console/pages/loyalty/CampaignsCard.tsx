import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { PointsCampaign } from '../../wire-types.ts';
import { errorText, showLoyaltyFieldError, times, timesToBp } from './loyalty-format.tsx';
import { useCategoryOptions, usePointsCampaigns } from './loyalty-queries.ts';

const FIELDS = ['name', 'multiplier_bp', 'starts_on', 'ends_on', 'categories'];

interface CampaignForm {
  name: string;
  multiplier_bp: number;
  starts_on: Dayjs;
  ends_on: Dayjs;
  categories?: string[];
}

function CampaignModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CampaignForm>();
  const categories = useCategoryOptions();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: CampaignForm) =>
      api.post<PointsCampaign>('/points/campaigns', {
        name: v.name,
        multiplier_bp: timesToBp(v.multiplier_bp),
        starts_on: v.starts_on.format('YYYY-MM-DD'),
        ends_on: v.ends_on.format('YYYY-MM-DD'),
        categories: v.categories?.length ? v.categories : null,
      }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['points', 'campaigns'] });
      form.resetFields();
      props.onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });
  return (
    <Modal
      title={t('points.newCampaign')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      forceRender
    >
      <Form<CampaignForm>
        form={form}
        layout="vertical"
        initialValues={{ multiplier_bp: 2 }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="name" label={t('points.campaignName')} rules={[{ required: true }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="multiplier_bp" label={t('points.multiplier')} rules={[{ required: true }]}>
          <InputNumber min={0.01} max={10} step={0.5} suffix="×" style={{ width: 160 }} />
        </Form.Item>
        <Space size={16}>
          <Form.Item name="starts_on" label={t('points.startsOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="ends_on" label={t('points.endsOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Form.Item
          name="categories"
          label={t('points.campaignCategories')}
          extra={t('points.campaignCategoriesHint')}
        >
          <Select mode="multiple" options={categories} optionFilterProp="label" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Campaign multipliers (e.g. double points over a holiday), inclusive local dates. */
export function CampaignsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const campaigns = usePointsCampaigns();
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/points/campaigns/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['points', 'campaigns'] }),
    onError: (error) => void message.error(errorText(error, t)),
  });
  return (
    <Card
      title={t('points.campaigns')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('points.newCampaign')}
        </Button>
      }
    >
      <Table<PointsCampaign>
        rowKey="id"
        size="small"
        loading={campaigns.isLoading}
        dataSource={campaigns.data ?? []}
        pagination={false}
        columns={[
          { title: t('points.campaignName'), dataIndex: 'name' },
          { title: t('points.multiplier'), dataIndex: 'multiplier_bp', render: times },
          {
            title: t('points.dates'),
            key: 'dates',
            render: (_: unknown, c) => `${c.starts_on} ~ ${c.ends_on}`,
          },
          {
            title: t('points.campaignCategories'),
            dataIndex: 'categories',
            render: (cs: string[] | null) =>
              cs ? cs.map((c) => <Tag key={c}>{c}</Tag>) : t('points.allCategories'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c) => (
              <Popconfirm title={t('points.deleteCampaign')} onConfirm={() => remove.mutate(c.id)}>
                <Button size="small" danger>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <CampaignModal open={open} onClose={() => setOpen(false)} />
    </Card>
  );
}
