import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

// Dates show in the merchant's zone, not the browser's: a store in Shanghai reads Shanghai time.
let zone = 'Asia/Shanghai';
export function setTimeZone(next: string): void {
  zone = next;
}

export const formatTime = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).tz(zone).format('YYYY-MM-DD HH:mm') : '—';

export const formatSeconds = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).tz(zone).format('YYYY-MM-DD HH:mm:ss') : '—';

const yuanFormat = new Intl.NumberFormat('zh-CN', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** Integer fen from the API → "¥1,234.50". */
export function yuan(fen: number): string {
  const text = `¥${yuanFormat.format(Math.abs(fen) / 100)}`;
  return fen < 0 ? `-${text}` : text;
}

export const signed = (n: number, text = String(Math.abs(n))): string =>
  n > 0 ? `+${text}` : n < 0 ? `-${text}` : text;

/** `+8613800138000` → `13800138000`, as people write mainland numbers; foreign ones stay E.164. */
export const showPhone = (phone: string | null | undefined): string =>
  phone ? (phone.startsWith('+86') ? phone.slice(3) : phone) : '—';
