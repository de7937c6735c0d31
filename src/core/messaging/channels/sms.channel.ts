import type { Db } from '../../../db/database.ts';
import { type Deliverer, type DeliveryResult, httpResult, thrownResult } from '../deliverer.ts';
import { channelSettingFor } from '../message-channel.service.ts';
import type { OutboxMessageRow } from '../outbox.table.ts';
import { type MessageLog, messageText } from './message-text.ts';

/** A generic HTTP SMS gateway: where to send and how the body is built from {phone} and {text}. */
export interface HttpSmsConfig {
  url: string;
  method?: 'POST' | 'GET';
  /** default `{"phone":"{phone}","text":"{text}"}`; values are escaped for the content type */
  body_template?: string;
  content_type?: 'application/json' | 'application/x-www-form-urlencoded';
  headers?: Record<string, string>;
  timeout_ms?: number;
}

const DEFAULT_BODY = '{"phone":"{phone}","text":"{text}"}';

const fill = (template: string, vars: Record<string, string>, encode: (v: string) => string) =>
  template.replace(/\{(phone|text|id)\}/g, (_, name: string) => encode(vars[name] ?? ''));

const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);

/**
 * One SMS through the gateway: 2xx is sent, 5xx/408/429/timeouts are retried, any other answer
 * is final. The outbox id goes as `Idempotency-Key`, so a gateway that dedupes on it never sends
 * twice even when our mark after its 2xx is lost.
 */
export async function sendHttpSms(
  config: HttpSmsConfig,
  message: { id: string; phone: string; text: string },
): Promise<DeliveryResult> {
  const vars = { phone: message.phone, text: message.text, id: message.id };
  const method = config.method ?? 'POST';
  const type = config.content_type ?? 'application/json';
  const url = fill(config.url, vars, encodeURIComponent);
  const body =
    method === 'GET'
      ? undefined
      : fill(
          config.body_template ?? DEFAULT_BODY,
          vars,
          type === 'application/json' ? jsonEscape : encodeURIComponent,
        );
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(config.headers ?? {}), 'content-type': type, 'idempotency-key': message.id },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(config.timeout_ms ?? 5_000),
    });
    return httpResult(response.status, await response.text());
  } catch (e) {
    return thrownResult(e);
  }
}

export function smsDeliverer(log: MessageLog): Deliverer {
  return async (db: Db, row: OutboxMessageRow): Promise<DeliveryResult> => {
    const setting = await channelSettingFor(db, row.merchant_id, 'sms');
    if (!setting.enabled) return { ok: false, retryable: false, error: 'the sms channel is off' };
    const text = messageText(row).body;
    if (setting.provider === 'log') {
      log.info(
        { merchant: row.merchant_id, message: row.id, to: row.address, text },
        'sms (log provider)',
      );
      return { ok: true, retryable: false };
    }
    const config = setting.config as unknown as HttpSmsConfig;
    return sendHttpSms(config, { id: row.id, phone: row.address ?? '', text });
  };
}
