import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { ttlCache } from '../../lib/ttl-cache.ts';
import type { Ctx } from '../context.ts';
import type { MessageChannelSettingRow, PushChannel } from './message-setting.table.ts';

export const PUSH_CHANNELS: readonly PushChannel[] = ['sms', 'email', 'wechat'];

/** The providers of each push channel; `log` writes the message to the server log (development). */
export const PROVIDERS: Record<PushChannel, readonly string[]> = {
  sms: ['log', 'http'],
  email: ['log', 'smtp'],
  wechat: ['log', 'wechat'],
};

/** Config fields that are secrets: stored, never returned in full. */
const SECRET_FIELDS = ['password', 'app_secret', 'headers'] as const;

export interface ChannelSetting {
  channel: PushChannel;
  enabled: boolean;
  provider: string;
  config: Record<string, unknown>;
}

const mask = (value: unknown): unknown => {
  if (typeof value === 'string') return value.length >= 12 ? `••••${value.slice(-4)}` : '••••';
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  return value;
};

const masked = (setting: ChannelSetting): ChannelSetting => ({
  ...setting,
  config: Object.fromEntries(
    Object.entries(setting.config).map(([k, v]) =>
      (SECRET_FIELDS as readonly string[]).includes(k) ? [k, mask(v)] : [k, v],
    ),
  ),
});

const fromRow = (row: MessageChannelSettingRow): ChannelSetting => ({
  channel: row.channel,
  enabled: row.enabled,
  provider: row.provider,
  config: row.config,
});

const unset = (channel: PushChannel): ChannelSetting => ({
  channel,
  enabled: false,
  provider: 'log',
  config: {},
});

async function readSettings(db: Db | Trx, merchantId: string): Promise<ChannelSetting[]> {
  const rows = await db
    .selectFrom('message_channel_setting')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .execute();
  return PUSH_CHANNELS.map((c) => {
    const row = rows.find((r) => r.channel === c);
    return row ? fromRow(row) : unset(c);
  });
}

/** Every push channel's setting, secrets masked (a channel never set is disabled). */
export async function listChannelSettings(db: Db | Trx, ctx: Ctx): Promise<ChannelSetting[]> {
  return (await readSettings(db, ctx.merchantId)).map(masked);
}

/**
 * Sets one channel. A secret sent back as its masked form (or left out) keeps the stored one,
 * so the console can save a form it was given masked.
 */
export async function putChannelSetting(
  trx: Trx,
  ctx: Ctx,
  channel: PushChannel,
  input: { enabled: boolean; provider: string; config: Record<string, unknown> },
): Promise<ChannelSetting> {
  if (!PROVIDERS[channel].includes(input.provider))
    throw new DomainError('message.provider_invalid', { field: 'provider' });
  const stored = (await readSettings(trx, ctx.merchantId)).find((s) => s.channel === channel)!;
  const config = { ...input.config };
  for (const field of SECRET_FIELDS) {
    const sent = config[field];
    const keep =
      sent === undefined || JSON.stringify(sent) === JSON.stringify(mask(stored.config[field]));
    if (keep && stored.config[field] !== undefined && stored.provider === input.provider)
      config[field] = stored.config[field];
  }
  const values = {
    enabled: input.enabled,
    provider: input.provider,
    config: JSON.stringify(config),
    updated_at: ctx.now,
  };
  await trx
    .insertInto('message_channel_setting')
    .values({ merchant_id: ctx.merchantId, channel, ...values })
    .onConflict((oc) => oc.columns(['merchant_id', 'channel']).doUpdateSet(values))
    .execute();
  deliverySettings.delete(`${ctx.merchantId}:${channel}`);
  return masked({ channel, enabled: input.enabled, provider: input.provider, config });
}

const deliverySettings = ttlCache<ChannelSetting>(5_000);

/** The full setting a deliverer needs, cached briefly (the worker reads it per message). */
export function channelSettingFor(
  db: Db,
  merchantId: string,
  channel: PushChannel,
): Promise<ChannelSetting> {
  return deliverySettings.get(`${merchantId}:${channel}`, async () => {
    const all = await readSettings(db, merchantId);
    return all.find((s) => s.channel === channel)!;
  });
}
