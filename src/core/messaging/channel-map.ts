import { deliverWebhook } from '../webhooks/webhook-deliverer.ts';
import { emailDeliverer } from './channels/email.channel.ts';
import type { MessageLog } from './channels/message-text.ts';
import { smsDeliverer } from './channels/sms.channel.ts';
import { wechatDeliverer } from './channels/wechat.channel.ts';
import type { DelivererMap } from './deliverer.ts';

/**
 * The deliverer of every channel the worker sends on. The inbox has none: it is delivered in the
 * transaction that enqueues it.
 */
export function channelDeliverers(log: MessageLog): DelivererMap {
  return {
    sms: smsDeliverer(log),
    email: emailDeliverer(log),
    wechat: wechatDeliverer(log),
    webhook: deliverWebhook,
  };
}
