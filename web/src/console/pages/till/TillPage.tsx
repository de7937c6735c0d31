import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Flex,
  type InputRef,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { yuan } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { tillZhCN } from '../../i18n/till-zh-CN.ts';
import { useStores } from '../../queries.ts';
import type { MemberDetail, Order } from '../../wire-types.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { CodesModal } from './CodesModal.tsx';
import { LinesPanel } from './LinesPanel.tsx';
import { MemberPanel } from './MemberPanel.tsx';
import { enqueueSale } from './offline-queue.ts';
import { PasswordPad } from './PasswordPad.tsx';
import { PaymentPanel } from './PaymentPanel.tsx';
import { QueueBar } from './QueueBar.tsx';
import { QuoteView } from './QuoteView.tsx';
import { Receipt } from './Receipt.tsx';
import { RefundModal } from './RefundModal.tsx';
import { useSaleQuote } from './sale-quote.ts';
import { commitSale, isNetworkError, newSale, type Sale, saleBody } from './till-api.ts';

addPageMessages(tillZhCN);

const STORE_KEY = 'regulars.till.store';
const HOTKEYS: Record<string, 'member' | 'item' | 'codes' | 'pay'> = {
  F2: 'member',
  F3: 'item',
  F8: 'codes',
  F9: 'pay',
};

function useTillStore() {
  const { stores } = useStores();
  const [chosen, setChosen] = useState(() => localStorage.getItem(STORE_KEY));
  const storeId = stores.some((s) => s.id === chosen) ? chosen : (stores[0]?.id ?? null);
  const choose = (id: string) => {
    localStorage.setItem(STORE_KEY, id);
    setChosen(id);
  };
  return { stores, storeId, choose };
}

/** 收银台: member, items, live quote with its trace, tenders, commit, receipt; F-keys drive it. */
export default function TillPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const { stores, storeId, choose } = useTillStore();
  const [sale, setSale] = useState<Sale>(newSale);
  const [done, setDone] = useState<{ order: Order; sale: Sale } | null>(null);
  const [pad, setPad] = useState(false);
  const [paying, setPaying] = useState(false);
  const [dialog, setDialog] = useState<'refund' | 'codes' | null>(null);
  const memberRef = useRef<InputRef>(null);
  const skuRef = useRef<InputRef>(null);
  const patch = (p: Partial<Sale>) => setSale((s) => ({ ...s, ...p }));
  const resetSale = () => {
    setSale(newSale());
    forget();
  };

  const member = sale.member;
  const balances = useQuery({
    queryKey: ['member', member?.id ?? ''],
    queryFn: () => api.get<MemberDetail>(`/members/${member?.id}`),
    enabled: Boolean(member),
  }).data?.balances;

  const { quote, offline, dueFen, tenderDueFen, payable, forget } = useSaleQuote(sale, storeId);

  const finish = useCallback(
    (order: Order, paid: Sale) => {
      setDone({ order, sale: paid });
      if (paid.member) void queryClient.invalidateQueries({ queryKey: ['member', paid.member.id] });
    },
    [queryClient],
  );

  async function commit(password: string | undefined) {
    if (!storeId) return;
    setPad(false);
    setPaying(true);
    const paid = { ...sale, tenders: payable };
    // no password typed: a member code scanned for this sale may authorise the balance payment
    const auth = password
      ? { payment_password: password }
      : paid.member_code && paid.stored_value_fen > 0
        ? { member_code: paid.member_code }
        : {};
    const body = { ...saleBody(paid, storeId), ...auth };
    try {
      // no answer: one retry with the same key, the sale may have gone through already
      finish(
        await commitSale(body, sale.key).catch((e) => {
          if (isNetworkError(e)) return commitSale(body, sale.key);
          throw e;
        }),
        paid,
      );
    } catch (error) {
      if (!isNetworkError(error)) void message.error(errorText(error, t));
      else if (body.stored_value_fen) void message.error(t('till.pay.noQueueWithBalance'));
      else {
        enqueueSale(sale.key, body);
        void message.warning(t('till.pay.queued'));
        resetSale();
        window.dispatchEvent(new Event('till-queued'));
      }
    } finally {
      setPaying(false);
    }
  }

  const startPayment = () => {
    if (sale.lines.length === 0 || paying || done) return;
    if (member && sale.stored_value_fen > 0) setPad(true);
    else void commit(undefined);
  };

  const keys = useRef({ startPayment });
  keys.current = { startPayment };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = HOTKEYS[e.key];
      if (!action) return;
      e.preventDefault();
      if (action === 'member') memberRef.current?.focus();
      else if (action === 'item') skuRef.current?.focus();
      else if (action === 'codes') setDialog('codes');
      else keys.current.startPayment();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const storeName = stores.find((s) => s.id === storeId)?.name ?? '';
  const next = () => {
    setDone(null);
    resetSale();
    setTimeout(() => memberRef.current?.focus(), 0);
  };

  return (
    <div data-testid="till-page">
      <Flex wrap gap={8} align="center" justify="space-between" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('till.title')}
          </Typography.Title>
          <Select
            value={storeId}
            onChange={choose}
            style={{ minWidth: 140 }}
            aria-label={t('till.store')}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
          />
        </Space>
        <Space wrap>
          <Button onClick={() => setDialog('codes')}>{t('till.codes.open')}</Button>
          {can('wallet.refund') && (
            <Button onClick={() => setDialog('refund')}>{t('till.refund.open')}</Button>
          )}
        </Space>
      </Flex>
      <Typography.Text type="secondary" className="till-keys">
        {t('till.keys')}
      </Typography.Text>
      <QueueBar onReplayed={() => void queryClient.invalidateQueries({ queryKey: ['member'] })} />
      {done ? (
        <Card title={t('till.pay.done')} style={{ marginTop: 12 }}>
          <Receipt
            order={done.order}
            member={done.sale.member}
            storeName={storeName}
            onNext={next}
          />
        </Card>
      ) : (
        <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
          <Col xs={24} md={12}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <MemberPanel
                member={member}
                onMember={(m, code) =>
                  patch({
                    member: m,
                    member_code: code,
                    coupon_ids: [],
                    points_to_use: 0,
                    stored_value_fen: 0,
                  })
                }
                couponIds={sale.coupon_ids}
                onCoupons={(coupon_ids) => patch({ coupon_ids })}
                inputRef={memberRef}
              />
              {storeId && (
                <LinesPanel
                  storeId={storeId}
                  lines={sale.lines}
                  onChange={(lines) => patch({ lines })}
                  inputRef={skuRef}
                />
              )}
            </Space>
          </Col>
          <Col xs={24} md={12}>
            <Space direction="vertical" style={{ width: '100%' }}>
              {offline && <Alert type="warning" showIcon message={t('till.quote.offline')} />}
              {quote.isError && !offline && (
                <Alert type="error" showIcon message={errorText(quote.error, t)} />
              )}
              {quote.data && !offline && sale.lines.length > 0 && <QuoteView quote={quote.data} />}
              <PaymentPanel
                sale={sale}
                tenderDueFen={tenderDueFen}
                pointsBalance={balances?.points ?? 0}
                principalFen={balances?.principal ?? 0}
                onChange={patch}
              />
              <Button
                type="primary"
                size="large"
                block
                loading={paying}
                disabled={sale.lines.length === 0}
                onClick={startPayment}
                data-testid="till-pay"
              >
                {t('till.pay.submit', { amount: yuan(dueFen) })} (F9)
              </Button>
            </Space>
          </Col>
        </Row>
      )}
      {pad && <PasswordPad onSubmit={(p) => void commit(p)} onClose={() => setPad(false)} />}
      {dialog === 'refund' && storeId && (
        <RefundModal storeId={storeId} onClose={() => setDialog(null)} />
      )}
      {dialog === 'codes' && <CodesModal onClose={() => setDialog(null)} />}
    </div>
  );
}
