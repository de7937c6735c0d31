import { Button, Popover, QRCode, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The member page's link (会员H5) of the merchant or of one store, with its QR to print. */
export default function MemberLink({
  merchantId,
  storeId,
}: {
  merchantId: string;
  storeId?: string;
}) {
  const { t } = useTranslation();
  const url = `${location.origin}/m/${merchantId}${storeId ? `/${storeId}` : ''}`;
  return (
    <Popover
      trigger="click"
      content={
        <Space direction="vertical" align="center">
          <QRCode value={url} size={160} />
          <Typography.Text copyable style={{ maxWidth: 240 }} ellipsis>
            {url}
          </Typography.Text>
          <Typography.Text type="secondary">{t('stores.memberPageHint')}</Typography.Text>
        </Space>
      }
    >
      <Button size="small">{t('stores.memberPage')}</Button>
    </Popover>
  );
}
