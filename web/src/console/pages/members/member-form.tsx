import { DatePicker, Form, Input, InputNumber, Radio, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { showPhone } from '../../format.ts';
import type { CustomField, Gender, Member, Store } from '../../wire-types.ts';
import { CHANNELS, GENDERS } from './member-options.ts';

export const MEMBER_FIELDS = [
  'phone',
  'name',
  'gender',
  'birthday',
  'source_channel',
  'home_store_id',
  'marketing_consent',
  'custom',
];

export interface MemberFormValues {
  phone?: string;
  name?: string;
  gender?: Gender;
  birthday?: Dayjs | null;
  source_channel?: string;
  home_store_id?: string | null;
  marketing_consent?: boolean;
  custom?: Record<string, unknown>;
}

function CustomInput({ field }: { field: CustomField }) {
  if (field.type === 'number') return <InputNumber style={{ width: '100%' }} />;
  if (field.type === 'date') return <DatePicker style={{ width: '100%' }} />;
  if (field.type === 'option')
    return <Select allowClear options={field.options.map((o) => ({ value: o, label: o }))} />;
  return <Input />;
}

/** The profile fields shared by the register drawer and the edit dialog. */
export function MemberFormFields(props: { stores: Store[]; customFields: CustomField[] }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="phone" label={t('members.phone')} rules={[{ required: true }]}>
        <Input inputMode="tel" placeholder="138 0013 8000" />
      </Form.Item>
      <Form.Item name="name" label={t('members.name')}>
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item name="gender" label={t('members.gender')}>
        <Radio.Group
          options={GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))}
          optionType="button"
        />
      </Form.Item>
      <Form.Item name="birthday" label={t('members.birthday')}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="source_channel" label={t('members.channel')}>
        <Select options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
      </Form.Item>
      <Form.Item name="home_store_id" label={t('members.store')}>
        <Select allowClear options={props.stores.map((s) => ({ value: s.id, label: s.name }))} />
      </Form.Item>
      <Form.Item name="marketing_consent" label={t('members.consent')} valuePropName="checked">
        <Switch />
      </Form.Item>
      {props.customFields.map((field) => (
        <Form.Item key={field.key} name={['custom', field.key]} label={field.label}>
          <CustomInput field={field} />
        </Form.Item>
      ))}
    </>
  );
}

const day = (value: unknown) => (dayjs.isDayjs(value) ? value.format('YYYY-MM-DD') : value);

/** Form values → the API body: dates as YYYY-MM-DD, empty values left out. */
export function toMemberBody(values: MemberFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    if (key === 'custom') {
      const custom = Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => [k, day(v) ?? null]),
      );
      if (Object.keys(custom).length > 0) body.custom = custom;
    } else body[key] = day(value);
  }
  return body;
}

export function toFormValues(member: Member, customFields: CustomField[]): MemberFormValues {
  const custom: Record<string, unknown> = {};
  for (const field of customFields) {
    const value = member.custom[field.key];
    custom[field.key] = field.type === 'date' && typeof value === 'string' ? dayjs(value) : value;
  }
  return {
    phone: member.phone ? showPhone(member.phone) : '',
    name: member.name ?? '',
    gender: member.gender,
    birthday: member.birthday ? dayjs(member.birthday) : null,
    source_channel: member.source_channel,
    home_store_id: member.home_store_id,
    marketing_consent: member.marketing_consent,
    custom,
  };
}
