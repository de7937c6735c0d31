import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, InputNumber, Select, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { CustomFieldValues } from './CustomFieldValues.tsx';
import {
  emptyGroup,
  FIELDS,
  type Leaf,
  LIFECYCLES,
  type Node,
  nextKey,
  pickOf,
  RFM_GROUPS,
} from './segment-types.ts';

const MAX_DEPTH = 5;

/** The visual rule builder: AND / OR groups, NOT on any node, conditions by field and values. */
export function RuleBuilder({ root, onChange }: { root: Node; onChange: (n: Node) => void }) {
  return <NodeEditor node={root} onChange={onChange} depth={1} />;
}

function NodeEditor(props: {
  node: Node;
  onChange: (n: Node) => void;
  onRemove?: () => void;
  depth: number;
}) {
  const { t } = useTranslation();
  const { node, onChange, onRemove, depth } = props;
  const negate = (
    <Switch
      size="small"
      checked={node.negate}
      onChange={(negate) => onChange({ ...node, negate })}
      checkedChildren={t('segments.not')}
      unCheckedChildren={t('segments.not')}
    />
  );
  const remove = onRemove && (
    <Button
      size="small"
      type="text"
      danger
      icon={<DeleteOutlined />}
      onClick={onRemove}
      aria-label={t('segments.remove')}
    />
  );
  if (node.kind === 'leaf')
    return (
      <Flex gap={8} wrap align="center" data-testid="segment-condition">
        {negate}
        <Select
          style={{ width: 150 }}
          aria-label={t('segments.field')}
          showSearch={{ optionFilterProp: 'label' }}
          value={pickOf(node.leaf)}
          options={Object.keys(FIELDS).map((f) => ({ value: f, label: t(`segments.fields.${f}`) }))}
          onChange={(f: string) => onChange({ ...node, leaf: { ...FIELDS[f]! } })}
        />
        <LeafValues leaf={node.leaf} onChange={(leaf) => onChange({ ...node, leaf })} />
        {remove}
      </Flex>
    );
  const setChild = (i: number, child: Node) =>
    onChange({ ...node, children: node.children.map((c, j) => (j === i ? child : c)) });
  const add = (child: Node) => onChange({ ...node, children: [...node.children, child] });
  return (
    <Card size="small" style={{ background: depth % 2 ? undefined : 'rgba(0,0,0,0.02)' }}>
      <Flex vertical gap={8}>
        <Flex gap={8} align="center" wrap>
          {negate}
          <Select
            style={{ width: 170 }}
            aria-label={t('segments.combine')}
            value={node.op}
            options={[
              { value: 'and', label: t('segments.and') },
              { value: 'or', label: t('segments.or') },
            ]}
            onChange={(op) => onChange({ ...node, op })}
          />
          {remove}
        </Flex>
        {node.children.map((child, i) => (
          <NodeEditor
            key={child.key}
            node={child}
            depth={depth + 1}
            onChange={(c) => setChild(i, c)}
            onRemove={() =>
              onChange({ ...node, children: node.children.filter((_, j) => j !== i) })
            }
          />
        ))}
        <Flex gap={8}>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() =>
              add({ kind: 'leaf', key: nextKey(), negate: false, leaf: { ...FIELDS.orders! } })
            }
          >
            {t('segments.addCondition')}
          </Button>
          {depth < MAX_DEPTH - 1 && (
            <Button size="small" icon={<PlusOutlined />} onClick={() => add(emptyGroup())}>
              {t('segments.addGroup')}
            </Button>
          )}
        </Flex>
      </Flex>
    </Card>
  );
}

type Named = { id: string; name: string };
const usePicker = (path: string, enabled: boolean) =>
  useQuery({ queryKey: ['segment-picker', path], queryFn: () => api.get<Named[]>(path), enabled });

function LeafValues({ leaf, onChange }: { leaf: Leaf; onChange: (l: Leaf) => void }) {
  const { t } = useTranslation();
  const set = (patch: Record<string, unknown>) => {
    const next: Leaf = { ...leaf, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === null || v === undefined) delete next[k];
    onChange(next);
  };
  const num = (key: string, label: string, scale = 1, min = 0): ReactNode => (
    <InputNumber
      key={key}
      aria-label={label}
      placeholder={label}
      min={min}
      style={{ width: 120 }}
      addonBefore={label}
      value={leaf[key] === undefined ? null : (leaf[key] as number) / scale}
      onChange={(v) => set({ [key]: v === null ? undefined : Math.round(Number(v) * scale) })}
    />
  );
  const window = (required = false) => (
    <InputNumber
      aria-label={t('segments.days')}
      min={1}
      max={1826}
      style={{ width: 150 }}
      addonBefore={t('segments.lastDays')}
      addonAfter={t('segments.daysUnit')}
      placeholder={required ? '' : t('segments.lifetime')}
      value={(leaf.days as number | undefined) ?? null}
      onChange={(v) => set({ days: v ?? (required ? 1 : undefined) })}
    />
  );
  const multi = (key: string, options: { value: string | number; label: string }[]) => (
    <Select
      mode="multiple"
      style={{ minWidth: 200 }}
      aria-label={t(`segments.fields.${leaf.field}`)}
      value={(leaf[key] as unknown[]) ?? []}
      options={options}
      onChange={(v) => set({ [key]: v })}
    />
  );
  const field = pickOf(leaf);
  const tags = usePicker('/tags', field === 'tag');
  const tiers = usePicker('/tiers', field === 'tier');
  const stores = usePicker('/stores', field === 'store' || field === 'home_store');
  const categories = useQuery({
    queryKey: ['segment-picker', 'categories'],
    queryFn: () => api.get<{ code: string; name: string }[]>('/catalogue/categories'),
    enabled: field === 'category',
  });
  const products = useQuery({
    queryKey: ['segment-picker', 'products'],
    queryFn: () =>
      api.get<{ items: { name: string; skus: { id: string; spec: string }[] }[] }>(
        '/catalogue/products',
        { limit: '200' },
      ),
    enabled: field === 'sku',
  });
  const named = (rows?: Named[]) => (rows ?? []).map((r) => ({ value: r.id, label: r.name }));
  switch (field) {
    case 'orders':
      return <>{[window(), num('min', t('segments.atLeast')), num('max', t('segments.atMost'))]}</>;
    case 'no_orders':
      return window(true);
    case 'spend':
    case 'stored_value':
      return (
        <>
          {field === 'spend' && window()}
          {num('min', t('segments.atLeastYuan'), 100)}
          {num('max', t('segments.atMostYuan'), 100)}
        </>
      );
    case 'points':
      return <>{[num('min', t('segments.atLeast')), num('max', t('segments.atMost'))]}</>;
    case 'category':
      return (
        <>
          {multi(
            'codes',
            (categories.data ?? []).map((c) => ({ value: c.code, label: c.name })),
          )}
          {window()}
          {num('min_orders', t('segments.minOrders'), 1, 1)}
        </>
      );
    case 'sku':
      return (
        <>
          <Select
            mode="multiple"
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 240 }}
            aria-label={t('segments.fields.sku')}
            value={(leaf.sku_ids as string[]) ?? []}
            options={(products.data?.items ?? []).flatMap((p) =>
              p.skus.map((k) => ({ value: k.id, label: k.spec ? `${p.name} ${k.spec}` : p.name })),
            )}
            onChange={(sku_ids) => set({ sku_ids })}
          />
          {window()}
        </>
      );
    case 'custom':
      return <CustomFieldValues leaf={leaf} onChange={onChange} />;
    case 'store':
      return (
        <>
          {multi('store_ids', named(stores.data))}
          {window()}
        </>
      );
    case 'home_store':
      return multi('store_ids', named(stores.data));
    case 'tag':
      return (
        <>
          <Select
            style={{ width: 110 }}
            aria-label={t('segments.tagHas')}
            value={leaf.has as string}
            options={['any', 'all', 'none'].map((h) => ({
              value: h,
              label: t(`segments.has.${h}`),
            }))}
            onChange={(has) => set({ has })}
          />
          {multi('tag_ids', named(tags.data))}
        </>
      );
    case 'tier':
      return multi('tier_ids', named(tiers.data));
    case 'rfm_group':
      return multi(
        'in',
        RFM_GROUPS.map((g) => ({ value: g, label: t(`segments.rfm.${g}`) })),
      );
    case 'lifecycle':
      return multi(
        'in',
        LIFECYCLES.map((s) => ({ value: s, label: t(`segments.stages.${s}`) })),
      );
    case 'gender':
      return multi(
        'in',
        ['male', 'female', 'unknown'].map((g) => ({ value: g, label: t(`segments.genders.${g}`) })),
      );
    case 'birthday_month':
      return multi(
        'months',
        Array.from({ length: 12 }, (_, i) => ({
          value: i + 1,
          label: t('segments.month', { month: i + 1 }),
        })),
      );
    case 'registered':
      return window(true);
    default:
      return <Typography.Text type="secondary">{JSON.stringify(leaf)}</Typography.Text>;
  }
}
