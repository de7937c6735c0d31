import { Button, Flex, Segmented } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSeconds, yuan } from '../../format.ts';
import type { Member, Order } from '../../wire-types.ts';
import './till.css';

type Paper = '58' | '80';

/** The 小票: plain monospace lines that print on a 58 or 80 mm roll (@media print in till.css). */
export function Receipt(props: {
  order: Order;
  member: Member | null;
  storeName: string;
  onNext(): void;
}) {
  const { t } = useTranslation();
  const [paper, setPaper] = useState<Paper>(() =>
    localStorage.getItem('regulars.till.paper') === '80' ? '80' : '58',
  );
  const { order } = props;
  const discount = order.tier_discount_fen + order.coupon_discount_fen + order.points_deduction_fen;
  return (
    <div>
      <Flex gap={8} wrap className="till-no-print" style={{ marginBottom: 12 }}>
        <Button type="primary" autoFocus onClick={props.onNext} data-testid="till-next">
          {t('till.pay.newSale')}
        </Button>
        <Button onClick={() => window.print()}>{t('till.pay.print')}</Button>
        <Segmented<Paper>
          value={paper}
          onChange={(p) => {
            setPaper(p);
            localStorage.setItem('regulars.till.paper', p);
          }}
          options={[
            { value: '58', label: '58 mm' },
            { value: '80', label: '80 mm' },
          ]}
          aria-label={t('till.pay.paper')}
        />
      </Flex>
      <div className={`till-receipt till-receipt-${paper}`} data-testid="till-receipt">
        <div className="till-receipt-center">{props.storeName}</div>
        <div className="till-receipt-center">{t('till.receipt.title')}</div>
        <div>
          {t('till.receipt.number')} {order.number}
        </div>
        <div>
          {t('till.receipt.time')} {formatSeconds(order.paid_at)}
        </div>
        {props.member && (
          <div>
            {t('till.receipt.member')} {props.member.card_no}
          </div>
        )}
        <hr />
        {order.lines.map((l) => (
          <div key={l.line_id}>
            <div>{l.name}</div>
            <div className="till-receipt-row">
              <span>
                {l.quantity} × {yuan(l.unit_price_fen)}
              </span>
              <span>{yuan(l.amount_fen)}</span>
            </div>
          </div>
        ))}
        <hr />
        <Row label={t('till.receipt.total')} value={yuan(order.amount_fen)} />
        {discount > 0 && <Row label={t('till.receipt.discount')} value={`−${yuan(discount)}`} />}
        {order.principal_fen + order.bonus_fen > 0 && (
          <Row
            label={t('till.quote.storedValue')}
            value={yuan(order.principal_fen + order.bonus_fen)}
          />
        )}
        {order.tenders.map((tender) => (
          <Row
            key={`${tender.method}-${tender.amount_fen}`}
            label={t(`tender.methods.${tender.method}`)}
            value={yuan(tender.amount_fen)}
          />
        ))}
        <Row label={t('till.receipt.paid')} value={yuan(order.due_fen)} />
        {order.points_earned > 0 && (
          <Row label={t('till.receipt.points')} value={`+${order.points_earned}`} />
        )}
        <hr />
        <div className="till-receipt-center">{t('till.receipt.thanks')}</div>
      </div>
    </div>
  );
}

const Row = ({ label, value }: { label: string; value: string }) => (
  <div className="till-receipt-row">
    <span>{label}</span>
    <span>{value}</span>
  </div>
);
