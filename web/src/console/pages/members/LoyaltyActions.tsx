import { DownOutlined, GiftOutlined, PayCircleOutlined, WalletOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth.tsx';
import { PayDialog } from '../wallet/PayDialog.tsx';
import { PaymentPasswordModal } from '../wallet/PaymentPasswordModal.tsx';
import { PurchaseMembershipDialog } from '../wallet/PurchaseMembershipDialog.tsx';
import { RechargeDialog } from '../wallet/RechargeDialog.tsx';
import { GrantPointsModal } from './GrantPointsModal.tsx';
import { RedeemRewardModal } from './RedeemRewardModal.tsx';

type Dialog = 'recharge' | 'pay' | 'grant' | 'password' | 'membership' | 'redeem';

/**
 * The till's actions on a member: recharge, pay from balance, grant points, and behind "more"
 * the payment password, paid membership and points mall. Each dialog mounts fresh, so each
 * gets its own Idempotency-Key.
 */
export function LoyaltyActions({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [open, setOpen] = useState<Dialog | null>(null);
  const close = () => setOpen(null);
  const more: MenuProps['items'] = [
    can('wallet.pay') && { key: 'password', label: t('password.title') },
    can('wallet.recharge') && { key: 'membership', label: t('paidPlans.sell') },
    can('loyalty.operate') && { key: 'redeem', label: t('redeem.title') },
  ].filter((item) => item !== false);

  return (
    <Space>
      {can('wallet.recharge') && (
        <Button type="primary" icon={<WalletOutlined />} onClick={() => setOpen('recharge')}>
          {t('recharge.open')}
        </Button>
      )}
      {can('wallet.pay') && (
        <Button icon={<PayCircleOutlined />} onClick={() => setOpen('pay')}>
          {t('pay.open')}
        </Button>
      )}
      {can('points.grant') && (
        <Button icon={<GiftOutlined />} onClick={() => setOpen('grant')}>
          {t('grant.open')}
        </Button>
      )}
      {more.length > 0 && (
        <Dropdown menu={{ items: more, onClick: ({ key }) => setOpen(key as Dialog) }}>
          <Button>
            {t('loyaltyActions.more')} <DownOutlined />
          </Button>
        </Dropdown>
      )}
      {open === 'recharge' && <RechargeDialog memberId={memberId} onClose={close} />}
      {open === 'pay' && <PayDialog memberId={memberId} onClose={close} />}
      {open === 'grant' && <GrantPointsModal memberId={memberId} onClose={close} />}
      {open === 'password' && <PaymentPasswordModal memberId={memberId} onClose={close} />}
      {open === 'membership' && <PurchaseMembershipDialog memberId={memberId} onClose={close} />}
      {open === 'redeem' && <RedeemRewardModal memberId={memberId} onClose={close} />}
    </Space>
  );
}
