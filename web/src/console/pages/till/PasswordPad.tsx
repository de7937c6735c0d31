import { Button, Flex, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '⌫'];

/**
 * The pad the member types the 6-digit payment password on (the screen turned to them, or a
 * keyboard): digits never show, only dots. "No password" sends none and lets the server decide
 * (below the merchant's threshold, or a member code was scanned).
 */
export function PasswordPad(props: {
  onSubmit(password: string | undefined): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [digits, setDigits] = useState('');
  const press = (key: string) => {
    if (key === 'C') setDigits('');
    else if (key === '⌫') setDigits((d) => d.slice(0, -1));
    else setDigits((d) => (d.length < 6 ? d + key : d));
  };
  return (
    <Modal
      open
      title={t('till.pad.title')}
      width={360}
      onCancel={props.onClose}
      footer={
        <Flex gap={8} justify="end" wrap>
          <Button onClick={() => props.onSubmit(undefined)}>{t('till.pad.skip')}</Button>
          <Button
            type="primary"
            disabled={digits.length !== 6}
            onClick={() => props.onSubmit(digits)}
            data-testid="till-pad-confirm"
          >
            {t('till.pad.confirm')}
          </Button>
        </Flex>
      }
    >
      <Input.Password
        autoFocus
        value={digits}
        inputMode="numeric"
        maxLength={6}
        visibilityToggle={false}
        autoComplete="off"
        aria-label={t('till.pad.title')}
        onChange={(e) => setDigits(e.target.value.replace(/\D/g, '').slice(0, 6))}
        onPressEnter={() => digits.length === 6 && props.onSubmit(digits)}
        style={{ fontSize: 24, letterSpacing: 8, textAlign: 'center', marginBottom: 12 }}
      />
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 8 }}>
        {KEYS.map((key) => (
          <Button
            key={key}
            size="large"
            onClick={() => press(key)}
            style={{ height: 56, fontSize: 22 }}
          >
            {key}
          </Button>
        ))}
      </div>
    </Modal>
  );
}
