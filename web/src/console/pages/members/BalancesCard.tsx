import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { Balances } from '../../wire-types.ts';

export function BalancesCard({ balances }: { balances: Balances }) {
  const { t } = useTranslation();
  return (
    <Card title={t('member.balances')} data-testid="member-balances">
      <Row gutter={16}>
        <Col span={8}>
          <Statistic title={t('member.points')} value={balances.points} />
        </Col>
        <Col span={8}>
          <Statistic title={t('member.principal')} value={yuan(balances.principal)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('member.bonus')} value={yuan(balances.bonus)} />
        </Col>
      </Row>
    </Card>
  );
}
