import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Input, Modal, Radio, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api, newIdempotencyKey } from '../../api.ts';
import type { Member, MemberDetail, MergeRecord } from '../../wire-types.ts';
import { MergeSide } from './MergeSide.tsx';

type By = 'phone' | 'card_no';

/**
 * Finds the other record of the same person, shows both, and merges into the chosen survivor.
 * The Idempotency-Key is made once per dialog, so a double click or a retry merges once.
 */
export function MergeDialog(props: { current: MemberDetail; onClose(): void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [by, setBy] = useState<By>('phone');
  const [search, setSearch] = useState<{ by: By; value: string } | null>(null);
  const [survivorId, setSurvivorId] = useState(props.current.member.id);

  const found = useQuery({
    queryKey: ['merge-lookup', search],
    queryFn: () => api.get<Member>('/members/lookup', { [search?.by ?? 'phone']: search?.value }),
    enabled: search !== null,
    retry: false,
  });
  const otherId = found.data && found.data.id !== props.current.member.id ? found.data.id : null;
  const other = useQuery({
    queryKey: ['member', otherId],
    queryFn: () => api.get<MemberDetail>(`/members/${otherId}`),
    enabled: otherId !== null,
  });
  const merge = useMutation({
    mutationFn: (pair: { survivor_id: string; merged_id: string }) =>
      api.post<MergeRecord>('/members/merge', pair, idempotencyKey),
    onSuccess: (record) => {
      void message.success(t('merge.done'));
      void queryClient.invalidateQueries({ queryKey: ['member'] });
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      props.onClose();
      navigate(`/members/${record.survivor_id}`);
    },
    onError: (error) => void message.error(error.message),
  });

  const confirm = () => {
    if (!other.data) return;
    const pair = [props.current.member.id, other.data.member.id];
    const mergedId = pair.find((id) => id !== survivorId) ?? '';
    modal.confirm({
      title: t('merge.title'),
      content: t('merge.confirm'),
      onOk: () => merge.mutateAsync({ survivor_id: survivorId, merged_id: mergedId }),
    });
  };
  const notFound = found.error instanceof ApiError && found.error.status === 404;

  return (
    <Modal
      open
      width={900}
      title={t('merge.title')}
      onCancel={props.onClose}
      footer={[
        <Button key="cancel" onClick={props.onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="merge"
          type="primary"
          danger
          disabled={!other.data}
          loading={merge.isPending}
          onClick={confirm}
        >
          {t('merge.submit')}
        </Button>,
      ]}
    >
      <Space.Compact style={{ width: '100%', marginBottom: 16 }}>
        <Select<By>
          value={by}
          onChange={setBy}
          style={{ width: 120 }}
          options={[
            { value: 'phone', label: t('merge.byPhone') },
            { value: 'card_no', label: t('merge.byCard') },
          ]}
        />
        <Input.Search
          placeholder={t('merge.find')}
          enterButton
          loading={found.isFetching}
          onSearch={(value) => value.trim() && setSearch({ by, value: value.trim() })}
          data-testid="merge-search"
        />
      </Space.Compact>
      {notFound && <Alert type="warning" showIcon title={t('merge.notFound')} />}
      {found.error && !notFound && <Alert type="error" showIcon title={found.error.message} />}
      {found.data && !otherId && <Alert type="warning" showIcon title={t('merge.same')} />}
      {other.data && (
        <>
          <Alert type="info" showIcon title={t('merge.chooseSurvivor')} />
          <Radio.Group
            value={survivorId}
            onChange={(e) => setSurvivorId(e.target.value)}
            style={{ width: '100%', marginTop: 16 }}
          >
            <Row gutter={16}>
              {[props.current, other.data].map((detail) => (
                <Col span={12} key={detail.member.id}>
                  <MergeSide detail={detail} chosen={detail.member.id === survivorId} />
                </Col>
              ))}
            </Row>
          </Radio.Group>
        </>
      )}
    </Modal>
  );
}
