import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, List, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';
import type { Order, Refund } from '../../wire-types.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';

type OrderSummary = Omit<Order, 'lines' | 'tenders' | 'trace'>;

/** Refund a recent order of this store, whole or by line and quantity, once per Idempotency-Key. */
export function RefundModal({ storeId, onClose }: { storeId: string; onClose(): void }) {
  const { t } = useTranslation();
  const [orderId, setOrderId] = useState<string | null>(null);
  const recent = useQuery({
    queryKey: ['orders', storeId],
    queryFn: () => api.get<{ items: OrderSummary[] }>('/orders', { store_id: storeId, limit: 20 }),
  }).data?.items;
  return (
    <Modal
      open
      title={t('till.refund.title')}
      footer={null}
      onCancel={onClose}
      width={{ xs: '100%', md: 640 }}
      style={{ maxWidth: 'calc(100vw - 16px)', top: 24 }}
    >
      {orderId ? (
        <RefundForm orderId={orderId} onBack={() => setOrderId(null)} />
      ) : (
        <List
          header={t('till.refund.recent')}
          dataSource={recent ?? []}
          loading={!recent}
          data-testid="till-refund-orders"
          renderItem={(o) => (
            <List.Item
              actions={[
                <Button
                  key="r"
                  size="small"
                  disabled={o.status === 'refunded'}
                  onClick={() => setOrderId(o.id)}
                >
                  {t('till.refund.open')}
                </Button>,
              ]}
            >
              <Space wrap>
                <span>{t('till.refund.order', { number: o.number, amount: yuan(o.due_fen) })}</span>
                <Typography.Text type="secondary">{formatTime(o.created_at)}</Typography.Text>
                <Tag>{t(`till.refund.status.${o.status}`)}</Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}

function RefundForm({ orderId, onBack }: { orderId: string; onBack(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [key, setKey] = useState(newIdempotencyKey);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const order = useQuery({
    queryKey: ['order', orderId],
    queryFn: () => api.get<Order>(`/orders/${orderId}`),
  }).data;
  if (!order) return null;
  const refundable = order.lines.map((l) => ({ ...l, left: l.quantity - l.refunded_quantity }));

  async function refund(whole: boolean) {
    const lines = Object.entries(quantities)
      .filter(([, q]) => q > 0)
      .map(([line_id, quantity]) => ({ line_id, quantity }));
    setBusy(true);
    try {
      const done = await api.post<Refund>(
        `/orders/${orderId}/refunds`,
        { reason, ...(whole ? {} : { lines }) },
        key,
      );
      setResult({ ok: true, text: t('till.refund.done', { amount: yuan(done.money_fen) }) });
      setKey(newIdempotencyKey());
      setQuantities({});
      void queryClient.invalidateQueries({ queryKey: ['order', orderId] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      if (order?.member_id)
        void queryClient.invalidateQueries({ queryKey: ['member', order.member_id] });
    } catch (e) {
      setResult({ ok: false, text: errorText(e, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form layout="vertical" component="div" data-testid="till-refund-form">
      <Typography.Paragraph>
        {t('till.refund.order', { number: order.number, amount: yuan(order.due_fen) })}
      </Typography.Paragraph>
      {refundable.map((l) => (
        <Form.Item
          key={l.line_id}
          label={`${l.name} · ${l.quantity} × ${yuan(l.unit_price_fen)}`}
          extra={t('till.refund.refundable', { count: l.left })}
        >
          <InputNumber
            min={0}
            max={l.left}
            disabled={l.left === 0}
            value={quantities[l.line_id] ?? 0}
            onChange={(q) => setQuantities((s) => ({ ...s, [l.line_id]: q ?? 0 }))}
            aria-label={`${t('till.refund.quantity')} ${l.name}`}
          />
        </Form.Item>
      ))}
      <Form.Item label={t('till.refund.reason')} required>
        <Input
          value={reason}
          maxLength={200}
          onChange={(e) => setReason(e.target.value)}
          aria-label={t('till.refund.reason')}
        />
      </Form.Item>
      {result && (
        <Alert
          type={result.ok ? 'success' : 'error'}
          showIcon
          message={result.text}
          style={{ marginBottom: 12 }}
        />
      )}
      <Space wrap>
        <Button onClick={onBack}>{t('common.back')}</Button>
        <Button
          disabled={!reason || !Object.values(quantities).some((q) => q > 0)}
          loading={busy}
          onClick={() => void refund(false)}
        >
          {t('till.refund.submit')}
        </Button>
        <Button
          type="primary"
          danger
          disabled={!reason || order.status === 'refunded'}
          loading={busy}
          onClick={() => void refund(true)}
          data-testid="till-refund-all"
        >
          {t('till.refund.all')}
        </Button>
      </Space>
    </Form>
  );
}
