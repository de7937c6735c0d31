import { Button, Modal, Space, Steps } from 'antd';
import type { ReactNode } from 'react';

/**
 * A form in steps inside a modal (the campaign wizard, the automation builder): the steps on
 * top, ← and → to move, and the save button on the last step. The form stays mounted on every
 * step (its fields are hidden, not removed), so a value entered early survives to the save.
 */
export function StepsModal(props: {
  title: string;
  open: boolean;
  onClose(): void;
  width: number;
  steps: string[];
  step: number;
  onStep(step: number): void;
  saveLabel: string;
  saving: boolean;
  onSave(): void;
  /** prefix of the buttons' test ids: `<id>-next`, `<id>-save` */
  testId: string;
  children: ReactNode;
}) {
  const { step, onStep } = props;
  const last = props.steps.length - 1;
  return (
    <Modal
      title={props.title}
      open={props.open}
      onCancel={props.onClose}
      width={props.width}
      forceRender
      footer={
        <Space>
          {step > 0 && <Button onClick={() => onStep(step - 1)}>←</Button>}
          {step < last ? (
            <Button
              type="primary"
              onClick={() => onStep(step + 1)}
              data-testid={`${props.testId}-next`}
            >
              →
            </Button>
          ) : (
            <Button
              type="primary"
              loading={props.saving}
              onClick={props.onSave}
              data-testid={`${props.testId}-save`}
            >
              {props.saveLabel}
            </Button>
          )}
        </Space>
      }
    >
      <Steps
        size="small"
        current={step}
        onChange={onStep}
        style={{ marginBottom: 16 }}
        items={props.steps.map((title) => ({ title }))}
      />
      {props.children}
    </Modal>
  );
}
