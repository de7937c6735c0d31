import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Flex,
  Input,
  type InputRef,
} from 'antd';
import { type Ref, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { CameraScan } from '../../CameraScan.tsx';
import { yuan } from '../../format.ts';
import { lookupQuery } from '../../member-lookup.ts';
import type {
  CouponTemplate,
  Member,
  MemberCoupon,
  MemberDetail,
  MemberTierStatus,
} from '../../wire-types.ts';
import { errorText, lastLocalDay } from '../loyalty/loyalty-format.tsx';

/**
 * Finds the member by phone, card number or a scanned member code: a scanner types into the
 * same field and presses Enter. Shows what the member holds and the coupons to apply.
 */
export function MemberPanel(props: {
  member: Member | null;
  onMember(member: Member | null, scannedCode?: string): void;
  couponIds: string[];
  onCoupons(ids: string[]): void;
  inputRef: Ref<InputRef>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { member } = props;

  async function find(value: string) {
    if (!value.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const query = lookupQuery(value);
      props.onMember(await api.get<Member>('/members/lookup', query), query.code);
      setText('');
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card size="small" title={member ? (member.name ?? member.card_no) : t('till.member.guest')}>
      {member ? (
        <>
          <MemberSummary member={member} />
          <Button size="small" onClick={() => props.onMember(null)} style={{ marginTop: 8 }}>
            {t('till.member.clear')}
          </Button>
          <CouponPicker memberId={member.id} value={props.couponIds} onChange={props.onCoupons} />
        </>
      ) : (
        <>
          <Flex gap={8}>
            <Input.Search
              ref={props.inputRef}
              autoFocus
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t('till.member.search')}
              aria-label={t('till.member.search')}
              enterButton={t('till.member.find')}
              loading={busy}
              onSearch={find}
              data-testid="till-member-search"
            />
            <CameraScan
              onCode={(code) => {
                setText(code);
                void find(code);
              }}
            />
          </Flex>
          {error && <Alert type="warning" showIcon message={error} style={{ marginTop: 8 }} />}
        </>
      )}
    </Card>
  );
}

function MemberSummary({ member }: { member: Member }) {
  const { t } = useTranslation();
  const detail = useQuery({
    queryKey: ['member', member.id],
    queryFn: () => api.get<MemberDetail>(`/members/${member.id}`),
  }).data;
  const tier = useQuery({
    queryKey: ['member', member.id, 'tier'],
    queryFn: () => api.get<MemberTierStatus>(`/members/${member.id}/tier`),
  }).data?.tier;
  const balances = detail?.balances;
  return (
    <Descriptions size="small" column={2} data-testid="till-member-card">
      <Descriptions.Item label={t('till.member.tier')}>
        {tier?.name ?? t('till.member.noTier')}
      </Descriptions.Item>
      <Descriptions.Item label={t('till.member.points')}>
        {balances?.points ?? '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('till.member.principal')}>
        {balances ? yuan(balances.principal) : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('till.member.bonus')}>
        {balances ? yuan(balances.bonus) : '—'}
      </Descriptions.Item>
    </Descriptions>
  );
}

export function useTemplates() {
  return useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<CouponTemplate[]>('/coupon-templates'),
    staleTime: 60_000,
  });
}

function CouponPicker(props: { memberId: string; value: string[]; onChange(ids: string[]): void }) {
  const { t } = useTranslation();
  const coupons = useQuery({
    queryKey: ['member', props.memberId, 'coupons', 'issued'],
    queryFn: () =>
      api.get<{ items: MemberCoupon[] }>(`/members/${props.memberId}/coupons`, {
        status: 'issued',
      }),
  }).data?.items;
  const templates = useTemplates().data ?? [];
  const nameOf = (id: string) => templates.find((x) => x.id === id)?.name ?? id.slice(0, 8);
  if (!coupons) return null;
  if (coupons.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('till.coupons.none')} />;
  return (
    <div style={{ marginTop: 12 }}>
      <div style={{ fontWeight: 500, marginBottom: 4 }}>{t('till.coupons.title')}</div>
      <Checkbox.Group
        value={props.value}
        onChange={(ids) => props.onChange(ids as string[])}
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        options={coupons.map((c) => ({
          value: c.id,
          label: `${nameOf(c.template_id)} · ${t('till.coupons.until', { date: lastLocalDay(c.valid_until) })}`,
        }))}
        data-testid="till-coupons"
      />
    </div>
  );
}
