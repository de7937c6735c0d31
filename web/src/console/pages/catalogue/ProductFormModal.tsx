import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { useStores } from '../../queries.ts';
import type { Product } from '../../wire-types.ts';
import { toFen, YuanInput } from '../loyalty/loyalty-format.tsx';
import { useCategoryOptions } from '../loyalty/loyalty-queries.ts';

interface SkuForm {
  spec?: string;
  price_yuan: number;
  barcode?: string;
  store_ids?: string[];
}
interface ProductForm {
  name: string;
  category_code: string;
  tier_discountable: boolean;
  skus: SkuForm[];
}

const skuBody = (s: SkuForm) => ({
  spec: s.spec ?? '',
  price_fen: toFen(s.price_yuan),
  barcode: s.barcode?.trim() || null,
  store_ids: s.store_ids?.length ? s.store_ids : null,
});

/** A new product with its SKUs: the category is chosen from the catalogue, prices in yuan. */
export function ProductFormModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProductForm>();
  const categories = useCategoryOptions();
  const { stores } = useStores();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (props.open)
      form.setFieldsValue({ name: '', tier_discountable: true, skus: [{ price_yuan: 0 }] });
  }, [props.open, form]);
  const create = useMutation({
    mutationFn: (v: ProductForm) =>
      api.post<Product>('/catalogue/products', {
        name: v.name,
        category_code: v.category_code,
        tier_discountable: v.tier_discountable,
        skus: v.skus.map(skuBody),
      }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['catalogue', 'products'] });
      props.onClose();
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'category_code']))
        void message.error(error.message);
    },
  });
  return (
    <Modal
      title={t('catalogue.newProduct')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      width={720}
      forceRender
    >
      <Form<ProductForm> form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
        <Form.Item name="name" label={t('catalogue.name')} rules={[{ required: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="category_code"
          label={t('catalogue.category')}
          rules={[{ required: true }]}
        >
          <Select showSearch options={categories} optionFilterProp="label" />
        </Form.Item>
        <Form.Item
          name="tier_discountable"
          label={t('catalogue.tierDiscountable')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
        <Form.List name="skus">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, 'spec']}>
                    <Input
                      placeholder={t('catalogue.spec')}
                      maxLength={100}
                      style={{ width: 110 }}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'price_yuan']} rules={[{ required: true }]}>
                    <YuanInput aria-label={t('catalogue.price')} style={{ width: 130 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'barcode']}>
                    <Input
                      placeholder={t('catalogue.barcode')}
                      maxLength={64}
                      style={{ width: 150 }}
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'store_ids']}>
                    <Select
                      mode="multiple"
                      placeholder={t('catalogue.everyStore')}
                      options={stores.map((s) => ({ value: s.id, label: s.name }))}
                      style={{ width: 180 }}
                    />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ price_yuan: 0 })}>
                {t('catalogue.addSku')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
