import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useCursorPages } from '../../cursor-pages.tsx';
import { yuan } from '../../format.ts';
import { catalogueZhCN } from '../../i18n/catalogue-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { useStores } from '../../queries.ts';
import type { Product } from '../../wire-types.ts';
import { useCategoryOptions } from '../loyalty/loyalty-queries.ts';
import { CatalogueImport } from './CatalogueImport.tsx';
import { CategoriesCard } from './CategoriesCard.tsx';
import { ProductFormModal } from './ProductFormModal.tsx';

addPageMessages(catalogueZhCN);

type Sku = Product['skus'][number];

/** 商品管理: categories (the codes points rules and coupons use), products with SKUs, import. */
export default function CataloguePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const { cursor, reset, pager } = useCursorPages();
  const categories = useCategoryOptions();
  const { nameOf } = useStores();
  const queryClient = useQueryClient();
  const products = useQuery({
    queryKey: ['catalogue', 'products', q, category, cursor],
    queryFn: () =>
      api.get<{ items: Product[]; next_cursor: string | null }>('/catalogue/products', {
        q,
        category,
        cursor,
      }),
  });
  const toggle = useMutation({
    mutationFn: (p: Product) =>
      api.patch<Product>(`/catalogue/products/${p.id}`, { active: !p.active }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['catalogue', 'products'] }),
    onError: (error) => void message.error(error.message),
  });
  const filter = (next: () => void) => {
    next();
    reset();
  };
  const skuText = (s: Sku) =>
    [s.spec, yuan(s.price_fen), s.barcode, s.store_ids ? s.store_ids.map(nameOf).join('、') : null]
      .filter(Boolean)
      .join(' · ');

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('catalogue.title')}
      </Typography.Title>
      <CategoriesCard />
      <Card title={t('catalogue.products')}>
        <Flex gap={8} wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('catalogue.search')}
            onSearch={(v) => filter(() => setQ(v))}
            style={{ width: 220 }}
          />
          <Select
            allowClear
            placeholder={t('catalogue.category')}
            options={categories}
            onChange={(v) => filter(() => setCategory(v))}
            style={{ width: 200 }}
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('catalogue.newProduct')}
          </Button>
          <CatalogueImport />
        </Flex>
        <Table<Product>
          rowKey="id"
          loading={products.isLoading}
          dataSource={products.data?.items ?? []}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('catalogue.name'), dataIndex: 'name' },
            { title: t('catalogue.category'), dataIndex: 'category_code' },
            {
              title: t('catalogue.skus'),
              key: 'skus',
              render: (_: unknown, p) => (
                <Space orientation="vertical" size={0}>
                  {p.skus.map((s) => (
                    <Typography.Text key={s.id} delete={!s.active}>
                      {skuText(s)}
                    </Typography.Text>
                  ))}
                </Space>
              ),
            },
            {
              title: t('catalogue.tierDiscountable'),
              dataIndex: 'tier_discountable',
              render: (v: boolean) => (v ? '✓' : '—'),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, p) => (
                <Space>
                  <Tag color={p.active ? 'green' : 'default'}>
                    {p.active ? t('catalogue.active') : t('catalogue.inactive')}
                  </Tag>
                  <Button size="small" onClick={() => toggle.mutate(p)}>
                    {p.active ? t('catalogue.withdraw') : t('catalogue.restore')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
        {pager(products.data?.next_cursor)}
      </Card>
      <ProductFormModal open={creating} onClose={() => setCreating(false)} />
    </Space>
  );
}
