import { DatePicker, Input, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../queries.ts';
import { CHANNELS, GENDERS } from './member-form.tsx';

export type MemberFilter = Record<string, string | undefined>;

/** Search and filters; their values live in the URL so a reload or "back" keeps them. */
export function MemberFilters(props: { value: MemberFilter; onChange(next: MemberFilter): void }) {
  const { t } = useTranslation();
  const { stores } = useStores();
  const { value } = props;
  const set = (patch: MemberFilter) => props.onChange({ ...value, ...patch });
  const select = (
    key: string,
    placeholder: string,
    options: { value: string; label: string }[],
  ) => (
    <Select
      allowClear
      placeholder={placeholder}
      style={{ width: 140 }}
      value={value[key]}
      options={options}
      onChange={(next: string | undefined) => set({ [key]: next })}
      data-testid={`filter-${key}`}
    />
  );
  return (
    <Space wrap>
      <Input.Search
        allowClear
        placeholder={t('members.search')}
        defaultValue={value.q}
        onSearch={(q) => set({ q: q.trim() || undefined })}
        style={{ width: 260 }}
        enterButton
        data-testid="member-search"
      />
      {select(
        'store_id',
        t('members.store'),
        stores.map((s) => ({ value: s.id, label: s.name })),
      )}
      {select(
        'gender',
        t('members.gender'),
        GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) })),
      )}
      {select(
        'source_channel',
        t('members.channel'),
        CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) })),
      )}
      {select('marketing_consent', t('members.consent'), [
        { value: 'true', label: t('member.consentYes') },
        { value: 'false', label: t('member.consentNo') },
      ])}
      {select(
        'birthday_month',
        t('members.birthdayMonth'),
        Array.from({ length: 12 }, (_, i) => ({
          value: String(i + 1),
          label: t('members.month', { month: i + 1 }),
        })),
      )}
      <DatePicker.RangePicker
        placeholder={[t('members.registered'), t('members.registered')]}
        value={
          value.registered_from && value.registered_to
            ? [dayjs(value.registered_from), dayjs(value.registered_to)]
            : null
        }
        onChange={(range) =>
          set({
            registered_from: range?.[0]?.format('YYYY-MM-DD'),
            registered_to: range?.[1]?.format('YYYY-MM-DD'),
          })
        }
      />
    </Space>
  );
}
