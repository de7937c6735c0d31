export interface Rendered {
  title: string;
  body: string;
}

export interface Template {
  id: string | null;
  code: string;
  purpose: 'marketing' | 'service';
  'zh-CN': Rendered;
  en: Rendered;
  built_in: boolean;
  overridden: boolean;
}

export interface ChannelSetting {
  channel: 'sms' | 'email' | 'wechat';
  enabled: boolean;
  provider: string;
  config: Record<string, unknown>;
}

export interface Message {
  id: string;
  channel: string;
  purpose: 'marketing' | 'service';
  member_id: string | null;
  phone: string | null;
  address: string | null;
  template: string | null;
  title: string | null;
  body: string | null;
  status: 'pending' | 'retrying' | 'sent' | 'dead' | 'skipped';
  skip_reason: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export const STATUS_COLORS = {
  pending: 'blue',
  retrying: 'orange',
  sent: 'green',
  dead: 'red',
  skipped: 'default',
} as const;

export const PROVIDERS = {
  sms: ['log', 'http'],
  email: ['log', 'smtp'],
  wechat: ['log', 'wechat'],
};
