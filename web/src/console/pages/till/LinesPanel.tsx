import { DeleteOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  AutoComplete,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  type InputRef,
  List,
  Space,
  Typography,
} from 'antd';
import { type Ref, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { TillSku } from '../../wire-types.ts';
import { toFen, YuanInput } from '../loyalty/loyalty-format.tsx';
import type { SaleLine } from './till-api.ts';

type SkuRows = TillSku[] | { items: TillSku[] };
/** The SKU search answers a list (or a page of one): either reads as rows. */
const rowsOf = (found: SkuRows | undefined): TillSku[] =>
  Array.isArray(found) ? found : (found?.items ?? []);

const skuLine = (sku: TillSku): SaleLine => ({
  key: newIdempotencyKey(),
  sku_id: sku.id,
  name: sku.name,
  category: sku.category,
  unit_price_fen: sku.price_fen,
  quantity: 1,
  tier_discountable: sku.tier_discountable,
});

/** Adds a line: scanning a barcode (then Enter) adds its SKU at once, typing offers matches. */
function SkuSearch(props: {
  storeId: string;
  onAdd(line: SaleLine): void;
  inputRef: Ref<InputRef>;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const found = rowsOf(
    useQuery({
      queryKey: ['till-skus', props.storeId, q],
      queryFn: () => api.get<SkuRows>('/catalogue/skus', { q, store_id: props.storeId, limit: 10 }),
      enabled: q.trim().length > 0,
      retry: false,
    }).data,
  );
  async function addByBarcode(value: string) {
    const rows = rowsOf(
      await api
        .get<SkuRows>('/catalogue/skus', { barcode: value.trim(), store_id: props.storeId })
        .catch(() => undefined),
    );
    const sku = rows[0] ?? (found.length === 1 ? found[0] : undefined);
    if (sku) {
      props.onAdd(skuLine(sku));
      setQ('');
    }
  }
  return (
    <AutoComplete
      value={q}
      onChange={setQ}
      style={{ width: '100%' }}
      options={found.map((s) => ({
        value: s.id,
        label: `${s.name} · ${yuan(s.price_fen)}`,
      }))}
      onSelect={(id: string) => {
        const sku = found.find((s) => s.id === id);
        if (sku) props.onAdd(skuLine(sku));
        setQ('');
      }}
    >
      <Input.Search
        ref={props.inputRef}
        placeholder={t('till.lines.search')}
        aria-label={t('till.lines.search')}
        onSearch={addByBarcode}
        data-testid="till-sku-search"
      />
    </AutoComplete>
  );
}

interface AdhocValues {
  name: string;
  category: string;
  unit_price_fen: number | null;
  quantity: number;
}

/** A line the catalogue does not have: name, category (the points rules read it) and price. */
function AdhocLine({ onAdd }: { onAdd(line: SaleLine): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AdhocValues>();
  // the points rules and coupon scopes read the category: offer the catalogue's codes
  const categories =
    useQuery({
      queryKey: ['catalogue-categories'],
      queryFn: () => api.get<{ code: string; name: string }[]>('/catalogue/categories'),
      staleTime: 60_000,
      retry: false,
    }).data ?? [];
  return (
    <Form<AdhocValues>
      form={form}
      layout="inline"
      initialValues={{ quantity: 1 }}
      style={{ rowGap: 8 }}
      data-testid="till-adhoc"
      onFinish={(v) => {
        onAdd({
          key: newIdempotencyKey(),
          name: v.name,
          category: v.category,
          unit_price_fen: toFen(v.unit_price_fen),
          quantity: v.quantity,
          tier_discountable: true,
        });
        form.resetFields();
      }}
    >
      <Form.Item name="name" rules={[{ required: true }]}>
        <Input
          placeholder={t('till.lines.name')}
          aria-label={t('till.lines.name')}
          style={{ width: 120 }}
        />
      </Form.Item>
      <Form.Item name="category" rules={[{ required: true }]}>
        <AutoComplete
          placeholder={t('till.lines.category')}
          aria-label={t('till.lines.category')}
          style={{ width: 110 }}
          options={categories.map((c) => ({ value: c.code, label: `${c.name} ${c.code}` }))}
          filterOption={(input, option) =>
            String(option?.label ?? '')
              .toLowerCase()
              .includes(input.toLowerCase())
          }
        />
      </Form.Item>
      <Form.Item name="unit_price_fen" rules={[{ required: true }]}>
        <YuanInput
          min={0}
          placeholder={t('till.lines.price')}
          aria-label={t('till.lines.price')}
          style={{ width: 100 }}
        />
      </Form.Item>
      <Form.Item name="quantity" rules={[{ required: true }]}>
        <InputNumber
          min={1}
          max={9999}
          aria-label={t('till.lines.quantity')}
          style={{ width: 64 }}
        />
      </Form.Item>
      <Button htmlType="submit">{t('till.lines.add')}</Button>
    </Form>
  );
}

export function LinesPanel(props: {
  storeId: string;
  lines: SaleLine[];
  onChange(lines: SaleLine[]): void;
  inputRef: Ref<InputRef>;
}) {
  const { t } = useTranslation();
  const { lines, onChange } = props;
  const add = (line: SaleLine) => {
    const same = line.sku_id && lines.find((l) => l.sku_id === line.sku_id);
    onChange(
      same
        ? lines.map((l) => (l === same ? { ...l, quantity: l.quantity + 1 } : l))
        : [...lines, line],
    );
  };
  const setQuantity = (key: string, quantity: number) =>
    onChange(lines.map((l) => (l.key === key ? { ...l, quantity } : l)));
  return (
    <Card size="small" title={t('till.lines.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <SkuSearch storeId={props.storeId} onAdd={add} inputRef={props.inputRef} />
        <Typography.Text type="secondary">{t('till.lines.adhoc')}</Typography.Text>
        <AdhocLine onAdd={add} />
        <List
          size="small"
          dataSource={lines}
          locale={{ emptyText: t('till.lines.empty') }}
          data-testid="till-lines"
          renderItem={(l) => (
            <List.Item
              actions={[
                <InputNumber
                  key="q"
                  min={1}
                  max={9999}
                  size="small"
                  value={l.quantity}
                  aria-label={t('till.lines.quantity')}
                  onChange={(q) => q && setQuantity(l.key, q)}
                  style={{ width: 64 }}
                />,
                <Button
                  key="x"
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('till.lines.remove')}
                  onClick={() => onChange(lines.filter((x) => x.key !== l.key))}
                />,
              ]}
            >
              <List.Item.Meta
                title={l.name}
                description={`${l.category} · ${yuan(l.unit_price_fen)}`}
              />
            </List.Item>
          )}
        />
      </Space>
    </Card>
  );
}
