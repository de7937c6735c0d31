import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal, Segmented, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import type { PasswordStatus } from '../../wire-types.ts';
import { errorText, showLoyaltyFieldError } from '../loyalty/loyalty-format.tsx';
import { useWallet } from './wallet-queries.ts';

type Mode = 'set' | 'reset';
const CHECKS = ['in_person', 'id_document', 'phone_code'] as const;

interface PasswordForm {
  password: string;
  old_password?: string;
  identity_check?: { method: (typeof CHECKS)[number]; reference: string };
}

const SIX_DIGITS = /^\d{6}$/;

/**
 * The member changes the 6-digit payment password at the counter (the old one is needed); a
 * first password, or a forgotten one, is set by a manager after checking who the member is
 * (audited): at the till nobody else may set a password that spends the member's balance.
 */
export function PaymentPasswordModal({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const [form] = Form.useForm<PasswordForm>();
  const isSet = useWallet(memberId).data?.payment_password.set ?? false;
  const mayReset = can('wallet.password_reset');
  const [chosen, setMode] = useState<Mode>('set');
  const mode: Mode = isSet ? chosen : 'reset';
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: PasswordForm) =>
      mode === 'reset'
        ? api.post<PasswordStatus>(`/members/${memberId}/payment-password/reset`, {
            password: v.password,
            identity_check: v.identity_check,
          })
        : api.put<PasswordStatus>(`/members/${memberId}/payment-password`, {
            password: v.password,
            ...(isSet ? { old_password: v.old_password } : {}),
          }),
    onSuccess: () => {
      void message.success(t('password.saved'));
      void queryClient.invalidateQueries({ queryKey: ['member', memberId, 'wallet'] });
      onClose();
    },
    onError: (error) => {
      const fields = ['password', 'old_password', 'identity_check'];
      if (!showLoyaltyFieldError(form, error, fields, t)) void message.error(errorText(error, t));
    },
  });
  const digits = [{ required: true }, { pattern: SIX_DIGITS, message: t('password.sixDigits') }];

  return (
    <Modal
      title={t('password.title')}
      open
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ disabled: !isSet && !mayReset }}
    >
      {isSet && mayReset && (
        <Segmented<Mode>
          value={mode}
          onChange={setMode}
          options={[
            { value: 'set', label: t('password.change') },
            { value: 'reset', label: t('password.reset') },
          ]}
          style={{ marginBottom: 16 }}
        />
      )}
      {!isSet && (
        <Alert
          type="info"
          showIcon
          message={t('password.firstNeedsManager')}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form<PasswordForm>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        hidden={!isSet && !mayReset}
      >
        {mode === 'set' && isSet && (
          <Form.Item name="old_password" label={t('password.old')} rules={[{ required: true }]}>
            <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
          </Form.Item>
        )}
        {mode === 'reset' && (
          <>
            <Form.Item
              name={['identity_check', 'method']}
              label={t('password.checkMethod')}
              initialValue="in_person"
            >
              <Select
                options={CHECKS.map((c) => ({ value: c, label: t(`password.checks.${c}`) }))}
              />
            </Form.Item>
            <Form.Item
              name={['identity_check', 'reference']}
              label={t('password.checkReference')}
              extra={t('password.checkReferenceHint')}
              rules={[{ required: true }]}
            >
              <Input maxLength={64} />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="password"
          label={t('password.new')}
          extra={t('password.rule')}
          rules={digits}
        >
          <Input.Password maxLength={6} inputMode="numeric" autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
