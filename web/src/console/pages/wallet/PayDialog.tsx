import { Alert, Descriptions, Form, Input, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';
import type { WalletPayment } from '../../wire-types.ts';
import { toFen, YuanInput } from '../loyalty/loyalty-format.tsx';
import { useWalletSetting } from '../loyalty/loyalty-queries.ts';
import { TillDialog } from './TillDialog.tsx';
import { useWallet } from './wallet-queries.ts';

interface PayForm {
  amount_fen: number;
  order_ref: string;
  payment_password?: string;
}

const receiptNo = () => `C${new Date().toISOString().replace(/\D/g, '').slice(2, 14)}`;

/**
 * Balance payment (余额支付) at the till: principal and bonus are split by the merchant's
 * setting, expiring monthly bonus first; above the threshold the member types the payment
 * password (wrong tries are counted by the server, 5 lock it for 30 minutes).
 */
export function PayDialog({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PayForm>();
  const wallet = useWallet(memberId).data;
  const threshold = useWalletSetting().data?.password_threshold_fen ?? null;
  const password = wallet?.payment_password;
  const locked = password?.locked_until && new Date(password.locked_until) > new Date();

  return (
    <TillDialog<PayForm, WalletPayment>
      title={t('pay.title')}
      memberId={memberId}
      form={form}
      fields={['amount_fen', 'order_ref', 'payment_password']}
      submitText={t('pay.submit')}
      initialValues={{ order_ref: receiptNo() }}
      send={(v, key) =>
        api.post<WalletPayment>(
          `/members/${memberId}/wallet/pay`,
          {
            amount_fen: toFen(v.amount_fen),
            order_ref: v.order_ref.trim(),
            ...(v.payment_password ? { payment_password: v.payment_password } : {}),
          },
          key,
        )
      }
      done={(done) => (
        <div data-testid="pay-result">
          <Result
            status="success"
            title={t('pay.done', { amount: yuan(done.amount_fen) })}
            subTitle={t('pay.split', {
              principal: yuan(done.principal_fen),
              bonus: yuan(done.bonus_fen),
            })}
          />
        </div>
      )}
      extra={
        <>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('wallet.principal')}>
              {yuan(wallet?.principal_fen ?? 0)}
            </Descriptions.Item>
            <Descriptions.Item label={t('wallet.bonusNow')}>
              {yuan(wallet?.bonus_fen ?? 0)}
            </Descriptions.Item>
            <Descriptions.Item label={t('wallet.spendable')}>
              {yuan(wallet?.spendable_fen ?? 0)}
            </Descriptions.Item>
            <Descriptions.Item label={t('pay.threshold')}>
              {threshold === null ? t('pay.noThreshold') : yuan(threshold)}
            </Descriptions.Item>
          </Descriptions>
          {locked && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('pay.locked', { time: formatTime(password?.locked_until) })}
            />
          )}
        </>
      }
      onClose={onClose}
    >
      <Form.Item name="amount_fen" label={t('pay.amount')} rules={[{ required: true }]}>
        <YuanInput min={0.01} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="order_ref" label={t('pay.orderRef')} rules={[{ required: true }]}>
        <Input maxLength={64} style={{ width: 260, maxWidth: '100%' }} />
      </Form.Item>
      <Form.Item
        name="payment_password"
        label={t('pay.password')}
        extra={
          password?.set
            ? t('pay.passwordHint', { count: password.tries_left })
            : t('pay.passwordNotSet')
        }
      >
        <Input.Password
          maxLength={6}
          inputMode="numeric"
          autoComplete="off"
          style={{ width: 200 }}
          disabled={!password?.set}
        />
      </Form.Item>
    </TillDialog>
  );
}
