import { Card, Descriptions, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime, showPhone } from '../../format.ts';
import { useCustomFields, useStores } from '../../queries.ts';
import type { Member } from '../../wire-types.ts';

export function ProfileCard({ member, extra }: { member: Member; extra?: ReactNode }) {
  const { t } = useTranslation();
  const { nameOf } = useStores();
  const customFields = useCustomFields().data ?? [];
  const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
  const items = [
    { key: 'card', label: t('members.cardNo'), children: member.card_no },
    { key: 'name', label: t('members.name'), children: dash(member.name) },
    { key: 'phone', label: t('members.phone'), children: showPhone(member.phone) },
    { key: 'gender', label: t('members.gender'), children: t(`gender.${member.gender}`) },
    { key: 'birthday', label: t('members.birthday'), children: dash(member.birthday) },
    {
      key: 'channel',
      label: t('members.channel'),
      children: t(`channel.${member.source_channel}`, { defaultValue: member.source_channel }),
    },
    { key: 'store', label: t('members.store'), children: nameOf(member.home_store_id) },
    {
      key: 'consent',
      label: t('members.consent'),
      children: member.marketing_consent ? t('member.consentYes') : t('member.consentNo'),
    },
    {
      key: 'registered',
      label: t('members.registeredAt'),
      children: formatTime(member.registered_at),
    },
    {
      key: 'status',
      label: t('member.status'),
      children: (
        <Tag color={member.status === 'active' ? 'green' : 'default'}>
          {t(`status.${member.status}`)}
        </Tag>
      ),
    },
    ...customFields.map((f) => ({
      key: `custom.${f.key}`,
      label: f.label,
      children: dash(member.custom[f.key]),
    })),
  ];
  return (
    <Card title={t('member.profile')} extra={extra}>
      <Descriptions
        column={{ xs: 1, sm: 2 }}
        size="small"
        items={items}
        data-testid="member-profile"
      />
    </Card>
  );
}
