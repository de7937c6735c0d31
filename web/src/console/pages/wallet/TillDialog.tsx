import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Form, type FormInstance, Modal, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../api.ts';
import { yuan } from '../../format.ts';
import { errorText, showLoyaltyFieldError } from '../loyalty/loyalty-format.tsx';
import { useMemberDetail } from '../members/member-queries.ts';

/** Who the cashier is serving: name, card and what the member holds, above every till dialog. */
export function MemberHeader({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const detail = useMemberDetail(memberId).data;
  if (!detail) return null;
  const { member, balances } = detail;
  return (
    <Flex
      wrap
      gap={12}
      justify="space-between"
      style={{
        padding: '8px 12px',
        marginBottom: 16,
        background: 'rgba(0,0,0,0.03)',
        borderRadius: 8,
      }}
      data-testid="till-member"
    >
      <Typography.Text strong>
        {member.name ?? t('member.noName', { defaultValue: '—' })}{' '}
        <Typography.Text type="secondary">{member.card_no}</Typography.Text>
      </Typography.Text>
      <Typography.Text type="secondary">
        {t('member.points')} {balances.points} · {t('member.principal')} {yuan(balances.principal)}{' '}
        · {t('member.bonus')} {yuan(balances.bonus)}
      </Typography.Text>
    </Flex>
  );
}

/**
 * The one shell of the cashier's dialogs (recharge, balance payment, paid membership, points
 * grant, reward redemption): the member header, the form, one Idempotency-Key per dialog so a
 * double click or a retry after a timeout moves value once (a refused attempt leaves nothing
 * behind, so the corrected one may reuse the key), server errors on their field or as a message,
 * and the result in place of the form. It fits a phone: full width, the submit button in view.
 */
export function TillDialog<Values extends object, Result>(props: {
  title: string;
  memberId: string;
  form: FormInstance<Values>;
  /** the body's field names, so a server error lands on its field */
  fields: string[];
  submitText: string;
  initialValues?: Partial<Values>;
  width?: number;
  send(values: Values, idempotencyKey: string): Promise<Result>;
  /** what the result shows in place of the form; none closes the dialog */
  done?(result: Result): ReactNode;
  onDone?(result: Result): void;
  /** shown between the member header and the form */
  extra?: ReactNode;
  children: ReactNode;
  onClose(): void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const queryClient = useQueryClient();
  const { form, memberId, onClose } = props;
  const submit = useMutation({
    mutationFn: (values: Values) => props.send(values, key),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['member', memberId] });
      props.onDone?.(result);
      if (!props.done) onClose();
    },
    onError: (error) => {
      // a refusal may still have changed what the member holds (a wrong password is counted)
      void queryClient.invalidateQueries({ queryKey: ['member', memberId] });
      if (!showLoyaltyFieldError(form, error, props.fields, t))
        void message.error(errorText(error, t));
    },
  });
  const result = submit.data;
  const shown = result !== undefined && props.done ? props.done(result) : undefined;

  return (
    <Modal
      title={props.title}
      open
      width={{ xs: '100%', sm: Math.min(props.width ?? 560, 560), md: props.width ?? 560 }}
      style={{ maxWidth: 'calc(100vw - 16px)', top: 24 }}
      onCancel={onClose}
      maskClosable={false}
      footer={
        shown ? (
          <Button type="primary" onClick={onClose}>
            {t('recharge.finish')}
          </Button>
        ) : (
          <Space wrap>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              loading={submit.isPending}
              onClick={() => form.submit()}
              data-testid="till-submit"
            >
              {props.submitText}
            </Button>
          </Space>
        )
      }
    >
      <div data-testid={props.testId}>
        <MemberHeader memberId={memberId} />
        {shown ?? (
          <>
            {props.extra}
            <Form<Values>
              form={form}
              layout="vertical"
              initialValues={props.initialValues}
              onFinish={(v) => submit.mutate(v)}
            >
              {props.children}
            </Form>
          </>
        )}
      </div>
    </Modal>
  );
}
