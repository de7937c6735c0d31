import { useQuery } from '@tanstack/react-query';
import { Card } from 'antd-mobile';
import { api } from '../api.ts';
import { useT, yuan } from '../i18n.ts';
import { Qr } from '../Qr.tsx';

interface Share {
  code: string;
  url: string;
  qr_svg: string;
  invited: number;
  bound: number;
  earned_fen: number;
}

/** The poster: the share QR with the code under it, to screenshot and send (S3). */
export default function SharePage() {
  const t = useT();
  const share = useQuery({
    queryKey: ['share'],
    queryFn: () => api<Share>('GET', '/member/share'),
  });
  if (!share.data) return null;
  return (
    <Card
      data-testid="share-poster"
      style={{ margin: 12, textAlign: 'center' }}
      title={t('share_code')}
    >
      <Qr svg={share.data.qr_svg} size={220} label={t('share_code')} />
      <div style={{ fontSize: 24, letterSpacing: 4, fontFamily: 'monospace' }}>
        {share.data.code}
      </div>
      <p>{t('invited', { n: share.data.invited, b: share.data.bound })}</p>
      <p>{t('earned', { amount: yuan(share.data.earned_fen) })}</p>
    </Card>
  );
}
