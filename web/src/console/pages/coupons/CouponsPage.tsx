import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { showFieldError } from '../../form-errors.ts';
import { couponsZhCN } from '../../i18n/coupons-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { type Benefit, type CouponKind, describeBenefit, fen, zheToBp } from './coupon-format.ts';

addPageMessages(couponsZhCN);

interface Template {
  id: string;
  name: string;
  benefit: Benefit;
  total_stock: number | null;
  per_member_limit: number | null;
  active: boolean;
  issued: number;
  member_claimable: boolean;
}

interface TemplateForm {
  name: string;
  kind: CouponKind;
  threshold_yuan?: number;
  off_yuan?: number;
  value_yuan?: number;
  zhe?: number;
  cap_yuan?: number | null;
  uses?: number;
  days: number;
  total_stock?: number | null;
  per_member_limit?: number | null;
  member_claimable?: boolean;
}

const KINDS: CouponKind[] = [
  'threshold_off',
  'cash_voucher',
  'percent_off',
  'free_item',
  'count_card',
];
const ANY_ITEM = { sku_ids: null, category_codes: null };

function benefitOf(v: TemplateForm): Benefit {
  switch (v.kind) {
    case 'threshold_off':
      return {
        kind: v.kind,
        threshold_fen: fen(v.threshold_yuan ?? 0),
        off_fen: fen(v.off_yuan ?? 0),
      };
    case 'cash_voucher':
      return { kind: v.kind, value_fen: fen(v.value_yuan ?? 0) };
    case 'percent_off':
      return {
        kind: v.kind,
        discount_bp: zheToBp(v.zhe ?? 10),
        cap_fen: v.cap_yuan ? fen(v.cap_yuan) : null,
        threshold_fen: fen(v.threshold_yuan ?? 0),
      };
    case 'free_item':
      return { kind: v.kind, items: ANY_ITEM, max_value_fen: null };
    case 'count_card':
      return { kind: v.kind, items: ANY_ITEM, uses: v.uses ?? 1 };
  }
}

const toBody = (v: TemplateForm) => ({
  name: v.name,
  benefit: benefitOf(v),
  validity: { mode: 'days_after_claim', days: v.days },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
  total_stock: v.total_stock ?? null,
  per_member_limit: v.per_member_limit ?? null,
  member_claimable: v.member_claimable ?? false,
});

function TemplateModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateForm>();
  const queryClient = useQueryClient();
  const kind = Form.useWatch('kind', form);
  const save = useMutation({
    mutationFn: (v: TemplateForm) => api.post<Template>('/coupon-templates', toBody(v)),
    onSuccess: () => {
      void message.success(t('coupons.created'));
      void queryClient.invalidateQueries({ queryKey: ['coupon-templates'] });
      form.resetFields();
      props.onClose();
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'total_stock', 'per_member_limit']))
        void message.error(errorText(error, t));
    },
  });
  const money = (name: keyof TemplateForm, label: string, required = true) => (
    <Form.Item name={name} label={label} rules={required ? [{ required: true }] : []}>
      <InputNumber min={0} precision={2} style={{ width: '100%' }} />
    </Form.Item>
  );
  return (
    <Modal
      title={t('coupons.create')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      forceRender
    >
      <Form<TemplateForm>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'threshold_off', days: 30, member_claimable: false }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="name" label={t('coupons.name')} rules={[{ required: true, max: 64 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t('coupons.kind')}>
          <Select options={KINDS.map((k) => ({ value: k, label: t(`coupons.kinds.${k}`) }))} />
        </Form.Item>
        {kind === 'threshold_off' && (
          <Flex gap={12}>
            {money('threshold_yuan', t('coupons.thresholdYuan'))}
            {money('off_yuan', t('coupons.offYuan'))}
          </Flex>
        )}
        {kind === 'cash_voucher' && money('value_yuan', t('coupons.valueYuan'))}
        {kind === 'percent_off' && (
          <>
            <Form.Item
              name="zhe"
              label={t('coupons.zhe')}
              extra={t('coupons.zheHelp')}
              rules={[{ required: true }]}
            >
              <InputNumber min={0.1} max={9.9} step={0.5} precision={1} />
            </Form.Item>
            <Flex gap={12}>
              {money('threshold_yuan', t('coupons.thresholdYuan'))}
              {money('cap_yuan', t('coupons.capYuan'), false)}
            </Flex>
          </>
        )}
        {kind === 'count_card' && (
          <Form.Item name="uses" label={t('coupons.uses')} rules={[{ required: true }]}>
            <InputNumber min={1} max={1000} precision={0} />
          </Form.Item>
        )}
        <Form.Item name="days" label={t('coupons.validDays')} rules={[{ required: true }]}>
          <InputNumber min={1} max={3660} precision={0} />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="total_stock" label={t('coupons.stock')}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
          <Form.Item name="per_member_limit" label={t('coupons.perMember')}>
            <InputNumber min={1} precision={0} />
          </Form.Item>
        </Flex>
        <Form.Item
          name="member_claimable"
          label={t('coupons.memberClaimable')}
          extra={t('coupons.memberClaimableHelp')}
          valuePropName="checked"
        >
          <Switch data-testid="template-member-claimable" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 核销 by code: the key is made once per code typed, so a retried click redeems once. */
function RedeemCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [code, setCode] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const redeem = useMutation({
    mutationFn: () => api.post<{ uses_left: number }>('/coupons/redeem', { code }, key),
    onSuccess: (c) => {
      void message.success(t('coupons.redeemed', { uses: c.uses_left }));
      setCode('');
      setKey(newIdempotencyKey());
    },
    onError: (error) => void message.error(errorText(error, t)),
  });
  return (
    <Card title={t('coupons.redeemTitle')}>
      <Flex gap={8}>
        <Input
          value={code}
          placeholder={t('coupons.code')}
          onChange={(e) => {
            setCode(e.target.value);
            setKey(newIdempotencyKey());
          }}
          onPressEnter={() => code.trim() && redeem.mutate()}
          style={{ maxWidth: 320 }}
        />
        <Button
          type="primary"
          loading={redeem.isPending}
          disabled={!code.trim()}
          onClick={() => redeem.mutate()}
        >
          {t('coupons.redeem')}
        </Button>
      </Flex>
    </Card>
  );
}

/** 优惠券: the templates (折 entered as in a shop: 9 = 九折) and 核销 by code. */
export default function CouponsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const claimable = useMutation({
    mutationFn: (v: { id: string; on: boolean }) =>
      api.patch<Template>(`/coupon-templates/${v.id}`, { member_claimable: v.on }),
    onSuccess: (tp) => {
      void message.success(t(tp.member_claimable ? 'coupons.claimableOn' : 'coupons.claimableOff'));
      void queryClient.invalidateQueries({ queryKey: ['coupon-templates'] });
    },
    onError: (error) => void message.error(errorText(error, t)),
  });
  const templates = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<Template[]>('/coupon-templates'),
  });
  return (
    <Flex vertical gap={16}>
      {can('loyalty.operate') && <RedeemCard />}
      <Card
        title={t('coupons.templates')}
        extra={
          can('campaigns.admin') && (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('coupons.create')}
            </Button>
          )
        }
      >
        <Table<Template>
          rowKey="id"
          loading={templates.isLoading}
          dataSource={templates.data ?? []}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('coupons.name'), dataIndex: 'name' },
            {
              title: t('coupons.kind'),
              render: (_, r) => t(`coupons.kinds.${r.benefit.kind}`),
            },
            { title: t('coupons.benefit'), render: (_, r) => describeBenefit(r.benefit, t) },
            {
              title: t('coupons.issued'),
              align: 'right',
              render: (_, r) => (r.total_stock ? `${r.issued} / ${r.total_stock}` : r.issued),
            },
            {
              title: t('coupons.claimable'),
              render: (_, r) => (
                <Switch
                  size="small"
                  aria-label={`${r.name} ${t('coupons.claimable')}`}
                  checked={r.member_claimable}
                  disabled={!can('campaigns.admin')}
                  loading={claimable.isPending && claimable.variables?.id === r.id}
                  onChange={(on) => claimable.mutate({ id: r.id, on })}
                />
              ),
            },
            {
              title: t('coupons.active'),
              render: (_, r) => (
                <Tag color={r.active ? 'green' : 'default'}>
                  {r.active ? t('coupons.on') : t('coupons.off')}
                </Tag>
              ),
            },
          ]}
        />
      </Card>
      <TemplateModal open={creating} onClose={() => setCreating(false)} />
    </Flex>
  );
}
