import { DatePicker, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../queries.ts';
import { useTiers } from '../loyalty/loyalty-queries.ts';
import { CHANNELS, GENDERS } from './member-options.ts';

export type MemberFilter = Record<string, string | undefined>;

/** Search and filters; their values live in the URL so a reload or "back" keeps them. */
export function MemberFilters(props: { value: MemberFilter; onChange(next: MemberFilter): void }) {
  const { t } = useTranslation();
  const { stores } = useStores();
  const { tiers } = useTiers();
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
        style={{ width: 300, maxWidth: '100%' }}
        enterButton
        data-testid="member-search"
      />
      {select(
        'store_id',
        t('members.store'),
        stores.map((s) => ({ value: s.id, label: s.name })),
      )}
      {select(
        'tier_id',
        t('members.tier'),
        tiers.map((tier) => ({ value: tier.id, label: tier.name })),
      )}
      <RangeFilter
        label={t('members.pointsRange')}
        keys={['points_min', 'points_max']}
        value={value}
        onChange={set}
      />
      <RangeFilter
        label={t('members.balanceRange')}
        keys={['balance_min_fen', 'balance_max_fen']}
        yuan
        value={value}
        onChange={set}
      />
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

/** A min–max pair of numbers; a balance is typed in yuan and kept in the URL (and API) in fen. */
function RangeFilter(props: {
  label: string;
  keys: [string, string];
  yuan?: boolean;
  value: MemberFilter;
  onChange(patch: MemberFilter): void;
}) {
  const { t } = useTranslation();
  const scale = props.yuan ? 100 : 1;
  const input = (key: string, placeholder: string) => {
    const raw = props.value[key];
    return (
      <InputNumber
        min={0}
        precision={props.yuan ? 2 : 0}
        placeholder={placeholder}
        style={{ width: 90 }}
        value={raw === undefined ? null : Number(raw) / scale}
        onChange={(next) =>
          props.onChange({
            [key]: next === null ? undefined : String(Math.round(Number(next) * scale)),
          })
        }
        data-testid={`filter-${key}`}
      />
    );
  };
  return (
    <Space.Compact>
      <Space.Addon>{props.label}</Space.Addon>
      {input(props.keys[0], t('members.min'))}
      {input(props.keys[1], t('members.max'))}
    </Space.Compact>
  );
}
