import { createTransport, type Transporter } from 'nodemailer';
import type { Db } from '../../../db/database.ts';
import { ttlCache } from '../../../lib/ttl-cache.ts';
import type { Deliverer, DeliveryResult } from '../deliverer.ts';
import { channelSettingFor } from '../message-channel.service.ts';
import type { OutboxMessageRow } from '../outbox.table.ts';
import { type MessageLog, messageText } from './message-text.ts';

export interface SmtpConfig {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

const transports = ttlCache<Transporter>(60_000, 1_000);

const transportOf = (merchantId: string, config: SmtpConfig) =>
  transports.get(`${merchantId}:${config.host}:${config.port}:${config.user ?? ''}`, async () =>
    createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    }),
  );

/**
 * One e-mail over SMTP. A 5xx reply is final (the address or the content was refused); a 4xx
 * reply, a timeout or a lost connection is retried. The outbox id is the Message-ID.
 */
export async function sendEmail(
  merchantId: string,
  config: SmtpConfig,
  message: { id: string; to: string; subject: string; text: string },
): Promise<DeliveryResult> {
  try {
    const transport = await transportOf(merchantId, config);
    await transport.sendMail({
      from: config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: `<${message.id}@regulars>`,
    });
    return { ok: true, retryable: false, status_code: 250 };
  } catch (e) {
    const code = (e as { responseCode?: number }).responseCode;
    const error = e instanceof Error ? e.message.slice(0, 300) : String(e);
    return code
      ? { ok: false, retryable: code < 500, status_code: code, error }
      : { ok: false, retryable: true, error };
  }
}

export function emailDeliverer(log: MessageLog): Deliverer {
  return async (db: Db, row: OutboxMessageRow): Promise<DeliveryResult> => {
    const setting = await channelSettingFor(db, row.merchant_id, 'email');
    if (!setting.enabled) return { ok: false, retryable: false, error: 'the email channel is off' };
    const { title, body } = messageText(row);
    if (setting.provider === 'log') {
      log.info(
        { merchant: row.merchant_id, message: row.id, to: row.address, title, body },
        'email (log provider)',
      );
      return { ok: true, retryable: false };
    }
    const config = setting.config as unknown as SmtpConfig;
    return sendEmail(row.merchant_id, config, {
      id: row.id,
      to: row.address ?? '',
      subject: title,
      text: body,
    });
  };
}
