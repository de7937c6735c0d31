import type { Locale } from '../../lib/errors.ts';

export type MessagePurpose = 'marketing' | 'service';
export type TemplateVars = Readonly<Record<string, string | number>>;

export interface TemplateText {
  title: string;
  body: string;
}

export interface MessageTemplate {
  code: string;
  purpose: MessagePurpose;
  'zh-CN': TemplateText;
  en: TemplateText;
}

/** The code-level defaults; a merchant's template of the same code replaces one. */
export const BUILT_IN_TEMPLATES: readonly MessageTemplate[] = [
  {
    code: 'otp',
    purpose: 'service',
    'zh-CN': { title: '验证码', body: '您的验证码是 {code}，{minutes} 分钟内有效，请勿告诉他人。' },
    en: {
      title: 'Verification code',
      body: 'Your code is {code}. It is valid for {minutes} minutes; do not share it.',
    },
  },
  {
    code: 'generic',
    purpose: 'marketing',
    'zh-CN': { title: '{title}', body: '{body}' },
    en: { title: '{title}', body: '{body}' },
  },
  {
    code: 'welcome',
    purpose: 'marketing',
    'zh-CN': { title: '欢迎加入', body: '欢迎成为我们的会员，期待常来！' },
    en: { title: 'Welcome', body: 'Welcome aboard: we look forward to seeing you often!' },
  },
  {
    code: 'birthday',
    purpose: 'marketing',
    'zh-CN': { title: '生日快乐', body: '祝您生日快乐！一份心意已送到您的会员卡。' },
    en: { title: 'Happy birthday', body: 'Happy birthday! A little gift is waiting on your card.' },
  },
  {
    code: 'coupon_issued',
    purpose: 'marketing',
    'zh-CN': { title: '您收到一张优惠券', body: '「{coupon}」已放入您的卡包，{expires} 前有效。' },
    en: {
      title: 'A coupon for you',
      body: '"{coupon}" is in your wallet, valid until {expires}.',
    },
  },
  {
    code: 'points_expiring',
    purpose: 'service',
    'zh-CN': { title: '积分即将过期', body: '您有 {points} 积分将于 {date} 过期，记得使用哦。' },
    en: {
      title: 'Points expiring',
      body: '{points} of your points expire on {date}: use them soon.',
    },
  },
];

export const builtInTemplate = (code: string): MessageTemplate | undefined =>
  BUILT_IN_TEMPLATES.find((t) => t.code === code);

/** `{name}` becomes the variable's value; an unknown `{name}` stays as written (seen in preview). */
export function renderText(text: string, vars: TemplateVars): string {
  return text.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}

export function renderTemplate(
  template: MessageTemplate,
  locale: Locale,
  vars: TemplateVars,
): TemplateText {
  const text = template[locale];
  return { title: renderText(text.title, vars), body: renderText(text.body, vars) };
}
