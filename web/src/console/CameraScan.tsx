import { CameraOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The Barcode Detection API (Chromium, Safari 17+); not yet in TypeScript's DOM library. */
interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

const FORMATS = ['qr_code', 'code_128', 'ean_13'];
const INTERVAL_MS = 200;

function detectorClass(): DetectorClass | null {
  const found = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  return found && typeof navigator.mediaDevices?.getUserMedia === 'function' ? found : null;
}

/**
 * A camera button beside a code field: only where the browser can both open a camera and read
 * codes. The first code read is handed to onCode, as if typed, and the camera stops.
 */
export function CameraScan({ onCode }: { onCode(code: string): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!detectorClass()) return null;
  return (
    <>
      <Button
        icon={<CameraOutlined />}
        aria-label={t('till.camera.open')}
        title={t('till.camera.open')}
        onClick={() => setOpen(true)}
        data-testid="camera-scan"
      />
      {open && (
        <ScanModal
          onClose={() => setOpen(false)}
          onCode={(code) => {
            setOpen(false);
            onCode(code);
          }}
        />
      )}
    </>
  );
}

function ScanModal(props: { onClose(): void; onCode(code: string): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const handlers = useRef(props);
  handlers.current = props;

  useEffect(() => {
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    const detector = new Detector({ formats: FORMATS });
    const look = async () => {
      const element = video.current;
      if (stopped || !element) return;
      const codes = element.readyState >= 2 ? await detector.detect(element).catch(() => []) : [];
      const code = codes.find((c) => c.rawValue.trim())?.rawValue.trim();
      if (stopped) return;
      if (code) {
        stop();
        handlers.current.onCode(code);
      } else timer = setTimeout(look, INTERVAL_MS);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (media) => {
        stream = media;
        if (stopped) return stop();
        const element = video.current;
        if (!element) return;
        element.srcObject = media;
        await element.play().catch(() => undefined);
        void look();
      })
      .catch((e: Error) => setError(e.message || e.name));
    return stop;
  }, []);

  return (
    <Modal open title={t('till.camera.title')} footer={null} onCancel={props.onClose} width={400}>
      {error ? (
        <Alert type="error" showIcon message={t('till.camera.failed', { reason: error })} />
      ) : (
        <>
          <video
            ref={video}
            muted
            playsInline
            style={{ width: '100%', borderRadius: 8, background: '#000' }}
            data-testid="camera-video"
          />
          <Typography.Text type="secondary">{t('till.camera.hint')}</Typography.Text>
        </>
      )}
    </Modal>
  );
}
