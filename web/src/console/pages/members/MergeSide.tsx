import { Card, Descriptions, Radio, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime, showPhone, yuan } from '../../format.ts';
import type { MemberDetail } from '../../wire-types.ts';

/** One of the two records in the merge dialog: profile and balances, with the keep choice. */
export function MergeSide({ detail, chosen }: { detail: MemberDetail; chosen: boolean }) {
  const { t } = useTranslation();
  const { member, balances } = detail;
  return (
    <Card
      size="small"
      style={{ borderColor: chosen ? '#c2410c' : undefined }}
      title={<Radio value={member.id}>{t('merge.keep')}</Radio>}
      extra={chosen ? <Tag color="orange">{t('member.survivor')}</Tag> : null}
      data-testid={`merge-side-${member.card_no}`}
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'card', label: t('members.cardNo'), children: member.card_no },
          { key: 'name', label: t('members.name'), children: member.name ?? '—' },
          { key: 'phone', label: t('members.phone'), children: showPhone(member.phone) },
          {
            key: 'registered',
            label: t('members.registeredAt'),
            children: formatTime(member.registered_at),
          },
          { key: 'points', label: t('member.points'), children: balances.points },
          { key: 'principal', label: t('member.principal'), children: yuan(balances.principal) },
          { key: 'bonus', label: t('member.bonus'), children: yuan(balances.bonus) },
        ]}
      />
    </Card>
  );
}
