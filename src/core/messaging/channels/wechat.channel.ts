import type { Db } from '../../../db/database.ts';
import { type Deliverer, type DeliveryResult, thrownResult } from '../deliverer.ts';
import { channelSettingFor } from '../message-channel.service.ts';
import type { OutboxMessageRow } from '../outbox.table.ts';
import { type MessageLog, messageText } from './message-text.ts';

/** A WeChat official account / mini program and the subscribe-message template it sends with. */
export interface WechatConfig {
  app_id: string;
  app_secret: string;
  template_id: string;
  /** the page the message opens */
  page?: string;
  /** template keywords that take the title and the body */
  fields?: { title: string; body: string };
  /** https://api.weixin.qq.com unless set (tests point it at a loopback fake) */
  api_base?: string;
}

const API = 'https://api.weixin.qq.com';
// access_token is valid 7200 s and is rate-limited: one per app, renewed 5 minutes early
const tokens = new Map<string, { token: string; expires: number }>();

async function accessToken(config: WechatConfig, now: Date): Promise<string> {
  const key = `${config.api_base ?? API}:${config.app_id}`;
  const hit = tokens.get(key);
  if (hit && hit.expires > now.getTime()) return hit.token;
  const url = new URL('/cgi-bin/token', config.api_base ?? API);
  url.search = new URLSearchParams({
    grant_type: 'client_credential',
    appid: config.app_id,
    secret: config.app_secret,
  }).toString();
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as {
    access_token?: string;
    expires_in?: number;
    errcode?: number;
    errmsg?: string;
  };
  if (!body.access_token)
    throw new WechatError(body.errcode ?? response.status, body.errmsg ?? 'no access_token');
  tokens.set(key, {
    token: body.access_token,
    expires: now.getTime() + ((body.expires_in ?? 7200) - 300) * 1000,
  });
  return body.access_token;
}

class WechatError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(`wechat ${errcode}: ${message}`);
  }
}

/** The subscribe-message body in the official shape (values capped at the 20 characters a `thing` takes). */
export function subscribeMessageBody(
  config: WechatConfig,
  openid: string,
  text: { title: string; body: string },
) {
  const fields = config.fields ?? { title: 'thing1', body: 'thing2' };
  return {
    touser: openid,
    template_id: config.template_id,
    ...(config.page ? { page: config.page } : {}),
    data: {
      [fields.title]: { value: text.title.slice(0, 20) },
      [fields.body]: { value: text.body.slice(0, 20) },
    },
  };
}

// -1 busy, 40001/42001 stale token (fetched again on the retry), 45009 daily limit
const RETRYABLE = new Set([-1, 40001, 42001, 45009]);

export async function sendWechat(
  config: WechatConfig,
  openid: string,
  text: { title: string; body: string },
  now: Date,
): Promise<DeliveryResult> {
  try {
    const token = await accessToken(config, now);
    const url = new URL('/cgi-bin/message/subscribe/send', config.api_base ?? API);
    url.search = new URLSearchParams({ access_token: token }).toString();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(subscribeMessageBody(config, openid, text)),
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status >= 500)
      return {
        ok: false,
        retryable: true,
        status_code: response.status,
        error: `HTTP ${response.status}`,
      };
    const body = (await response.json()) as { errcode?: number; errmsg?: string };
    if (!body.errcode) return { ok: true, retryable: false, status_code: response.status };
    throw new WechatError(body.errcode, body.errmsg ?? '');
  } catch (e) {
    if (!(e instanceof WechatError)) return thrownResult(e);
    if (e.errcode === 40001 || e.errcode === 42001)
      tokens.delete(`${config.api_base ?? API}:${config.app_id}`);
    return { ok: false, retryable: RETRYABLE.has(e.errcode), error: e.message };
  }
}

/** Off until the merchant enters the app's credentials and a template. */
export function wechatDeliverer(log: MessageLog): Deliverer {
  return async (db: Db, row: OutboxMessageRow, now: Date): Promise<DeliveryResult> => {
    const setting = await channelSettingFor(db, row.merchant_id, 'wechat');
    if (!setting.enabled)
      return { ok: false, retryable: false, error: 'the wechat channel is off' };
    const text = messageText(row);
    if (setting.provider === 'log') {
      log.info(
        { merchant: row.merchant_id, message: row.id, to: row.address, ...text },
        'wechat (log provider)',
      );
      return { ok: true, retryable: false };
    }
    const config = setting.config as unknown as WechatConfig;
    if (!config.app_id || !config.app_secret || !config.template_id)
      return { ok: false, retryable: false, error: 'wechat credentials are not configured' };
    return sendWechat(config, row.address ?? '', text, now);
  };
}
