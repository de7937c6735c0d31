import { useSyncExternalStore } from 'react';

/** The member page's own small dictionary: zh-CN first, English on the switch. */
const zh = {
  sign_in: '登录',
  phone: '手机号',
  code: '验证码',
  get_code: '获取验证码',
  resend_in: '{s} 秒后重发',
  sign_in_hint: '未注册的手机号登录后可领券成为会员',
  card: '会员卡',
  coupons: '优惠券',
  mall: '积分商城',
  recharge: '充值',
  share: '邀请好友',
  inbox: '消息',
  settings: '设置',
  card_no: '卡号',
  tier: '等级',
  no_tier: '普通会员',
  to_next: '距 {tier} 还差 {n}',
  top_tier: '已是最高等级',
  points: '积分',
  expiring: '{points} 积分将于 {date} 过期',
  balance: '余额',
  principal: '本金',
  bonus: '赠送',
  bonus_part: '{amount} 于 {date} 到账',
  paid_member: '付费会员',
  paid_until: '有效期至 {date}',
  not_paid: '未开通',
  member_code: '出示会员码',
  code_refresh: '会员码每分钟自动刷新，付款一次有效',
  not_member: '您还不是会员：领一张券即可开卡',
  mine: '我的',
  claim: '领券',
  claim_it: '领取',
  claimed: '领取成功',
  became_member: '已为您开通会员卡',
  show_code: '出示券码',
  no_coupons: '暂无优惠券',
  valid_until: '有效期至 {date}',
  redeem: '兑换',
  redeemed: '兑换成功',
  points_price: '{n} 积分',
  plans: '充值方案',
  pay: '去支付',
  pending_payment: '待支付 {amount}',
  complete_dev: '完成支付（开发环境）',
  paid: '支付成功',
  share_code: '我的邀请码',
  invited: '已邀请 {n} 人，已绑定 {b} 人',
  earned: '累计佣金 {amount}',
  no_messages: '暂无消息',
  view_coupons: '查看我的券',
  payment_password: '支付密码',
  set_password: '设置/修改支付密码',
  new_password: '新支付密码（6 位数字）',
  password_set: '支付密码已更新',
  profile: '个人资料',
  name: '姓名',
  birthday: '生日（仅可填写一次）',
  save: '保存',
  saved: '已保存',
  marketing: '接收营销消息',
  marketing_off: '已退订营销消息',
  marketing_hint: '关闭后不再收到任何营销消息，验证码等服务消息不受影响',
  privacy: '个人信息',
  export: '导出我的数据',
  erase: '申请注销并删除我的数据',
  requested: '申请已提交',
  request_status: '{kind}：{status}',
  open: '处理中',
  done: '已完成',
  refused: '已拒绝',
  sign_out: '退出登录',
  language: 'English',
  not_found: '链接无效',
};
type Key = keyof typeof zh;
const en: Record<Key, string> = {
  sign_in: 'Sign in',
  phone: 'Phone',
  code: 'Code',
  get_code: 'Get code',
  resend_in: 'Again in {s} s',
  sign_in_hint: 'A new phone can claim a coupon to become a member',
  card: 'Card',
  coupons: 'Coupons',
  mall: 'Points mall',
  recharge: 'Top up',
  share: 'Invite',
  inbox: 'Inbox',
  settings: 'Settings',
  card_no: 'Card',
  tier: 'Tier',
  no_tier: 'Member',
  to_next: '{n} to {tier}',
  top_tier: 'Top tier',
  points: 'Points',
  expiring: '{points} points expire on {date}',
  balance: 'Balance',
  principal: 'Paid in',
  bonus: 'Bonus',
  bonus_part: '{amount} on {date}',
  paid_member: 'Paid membership',
  paid_until: 'Until {date}',
  not_paid: 'None',
  member_code: 'Show member code',
  code_refresh: 'The code refreshes every minute and pays once',
  not_member: 'Not a member yet: claim a coupon to get your card',
  mine: 'Mine',
  claim: 'Claim',
  claim_it: 'Claim',
  claimed: 'Claimed',
  became_member: 'Your membership card is ready',
  show_code: 'Show code',
  no_coupons: 'No coupons',
  valid_until: 'Valid until {date}',
  redeem: 'Redeem',
  redeemed: 'Redeemed',
  points_price: '{n} points',
  plans: 'Plans',
  pay: 'Pay',
  pending_payment: 'To pay: {amount}',
  complete_dev: 'Complete payment (development)',
  paid: 'Paid',
  share_code: 'My invite code',
  invited: '{n} invited, {b} joined',
  earned: 'Earned {amount}',
  no_messages: 'No messages',
  view_coupons: 'See my coupons',
  payment_password: 'Payment password',
  set_password: 'Set or change payment password',
  new_password: 'New payment password (6 digits)',
  password_set: 'Payment password updated',
  profile: 'Profile',
  name: 'Name',
  birthday: 'Birthday (set once)',
  save: 'Save',
  saved: 'Saved',
  marketing: 'Marketing messages',
  marketing_off: 'Unsubscribed from marketing',
  marketing_hint: 'Off: no marketing on any channel; codes and receipts still come',
  privacy: 'My data',
  export: 'Export my data',
  erase: 'Ask to erase my data',
  requested: 'Request sent',
  request_status: '{kind}: {status}',
  open: 'open',
  done: 'done',
  refused: 'refused',
  sign_out: 'Sign out',
  language: '中文',
  not_found: 'This link is not valid',
};

export type Lang = 'zh-CN' | 'en';
let lang: Lang = (localStorage.getItem('member.lang') as Lang | null) ?? 'zh-CN';
const listeners = new Set<() => void>();

export const getLang = () => lang;
export function toggleLang() {
  lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  localStorage.setItem('member.lang', lang);
  document.documentElement.lang = lang;
  for (const l of listeners) l();
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = (lang === 'en' ? en : zh)[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** Re-renders on a language switch; returns `t`. */
export function useT() {
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => lang,
  );
  return t;
}

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');
