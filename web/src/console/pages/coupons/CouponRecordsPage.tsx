import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Flex, Input, Popconfirm, Select, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { useCursorPages } from '../../cursor-pages.tsx';
import { formatTime, showPhone } from '../../format.ts';
import { couponsZhCN } from '../../i18n/coupons-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { lookupQuery } from '../../member-lookup.ts';
import { useStores } from '../../queries.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import type { CouponKind } from './coupon-format.ts';

addPageMessages(couponsZhCN);

type Status = 'issued' | 'redeemed' | 'void' | 'expired';
const STATUSES: Status[] = ['issued', 'redeemed', 'void', 'expired'];
const STATUS_COLORS: Record<Status, string> = {
  issued: 'blue',
  redeemed: 'green',
  void: 'default',
  expired: 'orange',
};
const CHANNELS = [
  'staff',
  'claim',
  'mall',
  'recharge_pack',
  'new_member',
  'paid_membership',
  'campaign',
  'automation',
];

interface IssuedCoupon {
  id: string;
  code: string;
  code_masked: boolean;
  template_id: string;
  template_name: string;
  kind: CouponKind;
  member_id: string;
  member_name: string | null;
  member_card_no: string;
  member_phone: string | null;
  status: Status;
  uses_left: number;
  issued_via: string;
  reason: string | null;
  valid_from: string;
  valid_until: string;
  redeemed_at: string | null;
  redeemed_store_name: string | null;
  redeemed_by_name: string | null;
  order_id: string | null;
  created_at: string;
}

interface Filters {
  template_id?: string | undefined;
  status?: Status | undefined;
  member_id?: string | undefined;
  code?: string | undefined;
  redeemed_store_id?: string | undefined;
  issued_from?: string | undefined;
  issued_to?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 券记录: every coupon issued, by template, status, member, code, store and issued days; void. */
export default function CouponRecordsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [filters, setFilters] = useState<Filters>(() => ({
    member_id: params.get('member_id') ?? undefined,
    template_id: params.get('template_id') ?? undefined,
  }));
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [code, setCode] = useState('');
  const [member, setMember] = useState(filters.member_id ?? '');
  const { cursor, reset, pager } = useCursorPages();
  const { stores } = useStores();
  const templates = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<{ id: string; name: string }[]>('/coupon-templates'),
  });
  const set = (patch: Filters) => {
    setFilters((f) => ({ ...f, ...patch }));
    reset();
  };
  const list = useQuery({
    queryKey: ['coupons', filters, cursor],
    queryFn: () =>
      api.get<{ items: IssuedCoupon[]; next_cursor: string | null }>('/coupons', {
        ...filters,
        cursor,
      }),
  });
  const voidCoupon = useMutation({
    mutationFn: (id: string) => api.post(`/coupons/${id}/void`),
    onSuccess: () => {
      void message.success(t('coupons.records.voided'));
      void queryClient.invalidateQueries({ queryKey: ['coupons'] });
    },
    onError: (error) => void message.error(errorText(error, t)),
  });
  const exportCsv = () =>
    api
      .download('/coupons/export', { ...filters, format: 'csv' }, 'coupons.csv')
      .catch((e: Error) => message.error(errorText(e, t)));
  // the member box takes a phone, a card number or a member id (the member page's links)
  const searchText = async () => {
    const text = member.trim();
    let memberId: string | undefined;
    if (UUID.test(text)) memberId = text;
    else if (text) {
      try {
        memberId = (await api.get<{ id: string }>('/members/lookup', lookupQuery(text))).id;
      } catch (e) {
        void message.error(errorText(e, t));
        return;
      }
    }
    set({ code: code.trim() || undefined, member_id: memberId });
  };
  return (
    <Card
      title={t('coupons.records.title')}
      extra={
        can('members.export') && (
          <Button onClick={exportCsv} data-testid="coupon-export">
            {t('coupons.records.export')}
          </Button>
        )
      }
    >
      <Flex vertical gap={12}>
        <Flex gap={8} wrap>
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t('coupons.records.allTemplates')}
            value={filters.template_id}
            onChange={(v) => set({ template_id: v })}
            options={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
          />
          <Select
            allowClear
            data-testid="coupon-status-filter"
            style={{ width: 140 }}
            placeholder={t('coupons.records.allStatuses')}
            value={filters.status}
            onChange={(v) => set({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`coupons.records.statuses.${s}`) }))}
          />
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={t('coupons.records.allStores')}
            value={filters.redeemed_store_id}
            onChange={(v) => set({ redeemed_store_id: v })}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
          />
          <DatePicker.RangePicker
            value={range}
            placeholder={[t('coupons.records.issuedFrom'), t('coupons.records.issuedTo')]}
            onChange={(v) => {
              const [from, to] = v ?? [];
              setRange(from && to ? [from, to] : null);
              set({
                issued_from: from ? from.format('YYYY-MM-DD') : undefined,
                issued_to: to ? to.format('YYYY-MM-DD') : undefined,
              });
            }}
          />
          <Input
            allowClear
            style={{ width: 200 }}
            placeholder={t('coupons.records.codeExact')}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            onPressEnter={() => void searchText()}
          />
          <Input
            allowClear
            style={{ width: 280 }}
            placeholder={t('coupons.records.memberId')}
            value={member}
            onChange={(e) => setMember(e.target.value)}
            onPressEnter={() => void searchText()}
          />
          <Button type="primary" onClick={() => void searchText()}>
            {t('common.search')}
          </Button>
        </Flex>
        <Table<IssuedCoupon>
          rowKey="id"
          data-testid="coupon-records"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          scroll={{ x: 1400 }}
          columns={[
            {
              title: t('coupons.code'),
              dataIndex: 'code',
              render: (c: string) => <code style={{ whiteSpace: 'nowrap' }}>{c}</code>,
            },
            {
              title: t('coupons.records.template'),
              key: 'template',
              render: (_, r) => (
                <>
                  {r.template_name} <Tag>{t(`coupons.kinds.${r.kind}`)}</Tag>
                </>
              ),
            },
            {
              title: t('coupons.records.member'),
              key: 'member',
              render: (_, r) => (
                <Link to={`/members/${r.member_id}`}>
                  {r.member_name ?? r.member_card_no} · {showPhone(r.member_phone)}
                </Link>
              ),
            },
            {
              title: t('coupons.active'),
              dataIndex: 'status',
              render: (s: Status) => (
                <Tag color={STATUS_COLORS[s]}>{t(`coupons.records.statuses.${s}`)}</Tag>
              ),
            },
            {
              title: t('coupons.records.channel'),
              dataIndex: 'issued_via',
              render: (v: string) =>
                CHANNELS.includes(v) ? t(`coupons.records.channels.${v}`) : v,
            },
            { title: t('coupons.records.issuedAt'), dataIndex: 'created_at', render: formatTime },
            {
              title: t('coupons.records.validWindow'),
              key: 'window',
              render: (_, r) => `${formatTime(r.valid_from)} ~ ${formatTime(r.valid_until)}`,
            },
            {
              title: t('coupons.records.redeemedAt'),
              key: 'redeemed',
              render: (_, r) =>
                r.redeemed_at
                  ? `${formatTime(r.redeemed_at)} · ${r.redeemed_store_name ?? '—'} · ${r.redeemed_by_name ?? '—'}`
                  : '—',
            },
            {
              title: t('coupons.records.order'),
              dataIndex: 'order_id',
              render: (id: string | null) => (id ? <code>{id.slice(0, 8)}</code> : '—'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              fixed: 'right',
              render: (_, r) =>
                can('loyalty.admin') && r.status === 'issued' ? (
                  <Popconfirm
                    title={t('coupons.records.voidConfirm')}
                    description={t('coupons.records.voidHelp')}
                    okText={t('coupons.records.void')}
                    okButtonProps={{ danger: true }}
                    cancelText={t('common.cancel')}
                    onConfirm={() => voidCoupon.mutateAsync(r.id)}
                  >
                    <Button size="small" danger>
                      {t('coupons.records.void')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
        {pager(list.data?.next_cursor)}
      </Flex>
    </Card>
  );
}
