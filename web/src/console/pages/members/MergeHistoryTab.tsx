import { List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatTime, yuan } from '../../format.ts';
import type { MergeRecord } from '../../wire-types.ts';

/** The part of `moved` this tab shows; the schema leaves the record open (it grows with merges). */
interface Moved {
  balances?: Partial<Record<'points' | 'principal' | 'bonus', number>>;
  merged_card_no?: string;
}

/** Both sides see the merge: the survivor lists who came in, the merged record where it went. */
export function MergeHistoryTab({ memberId, merges }: { memberId: string; merges: MergeRecord[] }) {
  const { t } = useTranslation();
  return (
    <List
      dataSource={merges}
      data-testid="merge-history"
      renderItem={(merge) => {
        const survived = merge.survivor_id === memberId;
        const other = survived ? merge.merged_id : merge.survivor_id;
        const record = (merge.moved ?? {}) as Moved;
        const moved = record.balances;
        return (
          <List.Item>
            <List.Item.Meta
              title={
                <span>
                  {formatTime(merge.created_at)}{' '}
                  {survived ? (
                    <>
                      <Link to={`/members/${other}`}>
                        {record.merged_card_no ?? t('member.mergedMember')}
                      </Link>{' '}
                      {t('member.mergedAway')}
                    </>
                  ) : (
                    <>
                      {t('member.mergedHere')}{' '}
                      <Link to={`/members/${other}`}>{t('member.survivor')}</Link>
                    </>
                  )}
                </span>
              }
              description={
                moved && (
                  <Typography.Text type="secondary">
                    {t('member.points')} {moved.points ?? 0} · {t('member.principal')}{' '}
                    {yuan(moved.principal ?? 0)} · {t('member.bonus')} {yuan(moved.bonus ?? 0)}
                  </Typography.Text>
                )
              }
            />
          </List.Item>
        );
      }}
    />
  );
}
