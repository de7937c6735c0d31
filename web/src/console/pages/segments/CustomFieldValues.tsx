import { useQuery } from '@tanstack/react-query';
import { DatePicker, Input, InputNumber, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { CUSTOM_OPS, type Leaf } from './segment-types.ts';

interface CustomField {
  key: string;
  label: string;
  type: string;
  options: string[];
}

/**
 * A custom-field condition: the field, an operator its type allows, and a value shaped by both
 * (a number, a date, one of the field's options, several values, or a range).
 */
export function CustomFieldValues({ leaf, onChange }: { leaf: Leaf; onChange: (l: Leaf) => void }) {
  const { t } = useTranslation();
  const fields = useQuery({
    queryKey: ['segment-picker', 'custom-fields'],
    queryFn: () => api.get<CustomField[]>('/custom-fields'),
  });
  const field = fields.data?.find((f) => f.key === leaf.key);
  const op = leaf.op as string;
  const type = field?.type ?? 'text';
  const value = (key: 'value' | 'min' | 'max', label?: string) => {
    const current = leaf[key] as string | number | undefined;
    const set = (v: string | number | null | undefined) => {
      const next: Leaf = { ...leaf, [key]: v };
      if (v === null || v === undefined || v === '') delete next[key];
      onChange(next);
    };
    const common = { 'aria-label': label ?? t('segments.value'), placeholder: label };
    if (type === 'number')
      return (
        <InputNumber
          key={key}
          {...common}
          style={{ width: 120 }}
          value={(current as number | undefined) ?? null}
          onChange={set}
        />
      );
    if (type === 'date')
      return (
        <DatePicker
          key={key}
          {...common}
          value={current ? dayjs(String(current)) : null}
          onChange={(d) => set(d ? d.format('YYYY-MM-DD') : undefined)}
        />
      );
    if (type === 'option')
      return (
        <Select
          key={key}
          {...common}
          style={{ minWidth: 140 }}
          value={current}
          options={(field?.options ?? []).map((o) => ({ value: o, label: o }))}
          onChange={set}
        />
      );
    return (
      <Input
        key={key}
        {...common}
        style={{ width: 160 }}
        value={(current as string | undefined) ?? ''}
        onChange={(e) => set(e.target.value)}
      />
    );
  };
  return (
    <>
      <Select
        style={{ minWidth: 140 }}
        aria-label={t('segments.customField')}
        placeholder={t('segments.customField')}
        value={(leaf.key as string) || undefined}
        loading={fields.isLoading}
        options={(fields.data ?? []).map((f) => ({ value: f.key, label: f.label }))}
        onChange={(key: string) => onChange({ field: 'custom', key, op: 'set' })}
      />
      {field && (
        <Select
          style={{ width: 110 }}
          aria-label={t('segments.operator')}
          value={op}
          options={(CUSTOM_OPS[type] ?? []).map((o) => ({
            value: o,
            label: t(`segments.ops.${o}`),
          }))}
          onChange={(next: string) => onChange({ field: 'custom', key: leaf.key, op: next })}
        />
      )}
      {field &&
        (op === 'eq' || op === 'contains' || op === 'gte' || op === 'lte') &&
        value('value')}
      {field &&
        op === 'between' && [value('min', t('segments.from')), value('max', t('segments.to'))]}
      {field && op === 'in' && (
        <Select
          mode={type === 'option' ? 'multiple' : 'tags'}
          style={{ minWidth: 200 }}
          aria-label={t('segments.values')}
          value={(leaf.values as string[] | undefined) ?? []}
          options={(field.options ?? []).map((o) => ({ value: o, label: o }))}
          onChange={(values: string[]) => {
            const next: Leaf = { field: 'custom', key: leaf.key, op: 'in', values };
            if (values.length === 0) delete next.values;
            onChange(next);
          }}
        />
      )}
    </>
  );
}
