import type { Role } from './tenancy.table.ts';

export const permissions = [
  'members.read',
  'members.pii', // see whole phone numbers
  'members.write',
  'members.merge',
  'members.erase',
  'members.export',
  'imports.run',
  'ledger.adjust',
  'stores.admin',
  'staff.admin',
  'api_keys.admin',
  'audit.read',
  'merchant.admin', // name, time zone, card prefix, foreign phone numbers
  'loyalty.admin', // tiers, points rules, recharge and membership plans, mall catalogue
  'campaigns.admin', // points campaigns (multiplier periods): what a marketer runs
  'loyalty.operate', // earn, spend, redeem, bonuses, service rights at the counter
  'points.grant', // manual grants, capped per role (points_setting.grant_ceilings)
  'reports.read',
  'wallet.recharge', // take recharges and sell paid memberships at the till
  'wallet.pay', // balance payments, setting a member's payment password
  'wallet.refund', // refund recharges and paid memberships
  'wallet.password_reset', // reset a payment password after an identity check
  'referral.payout', // approve or refuse commission withdrawals: the owner's
  'guides.admin', // assign members their guide, hand out follow-up tasks, see every guide's tasks
  'automation.admin', // automations (自动化营销): triggers, actions, run log, holiday calendar
  'webhooks.admin', // integrators' webhook subscriptions, their secrets and the delivery log
  'messaging.admin', // message templates, channel settings (providers, secrets), the delivery log
  // Mint a dynamic member code: the member's own channel only (the member page, an
  // integrator's member app). No staff role holds it: the till verifies codes, never mints them.
  'members.code',
  // The member's own page (会员H5): only a member session holds it, never a role or an API key.
  'member.self',
] as const;

export type Permission = (typeof permissions)[number];

const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions.filter((p) => p !== 'members.code' && p !== 'member.self'),
  manager: [
    'members.read',
    'members.pii',
    'members.write',
    'members.merge',
    'members.export',
    'imports.run',
    'ledger.adjust',
    'audit.read',
    'loyalty.admin',
    'campaigns.admin',
    'guides.admin',
    'automation.admin',
    'loyalty.operate',
    'messaging.admin',
    'points.grant',
    'reports.read',
    'wallet.recharge',
    'wallet.pay',
    'wallet.refund',
    'wallet.password_reset',
  ],
  cashier: [
    'members.read',
    'members.write',
    'loyalty.operate',
    'points.grant',
    'wallet.recharge',
    'wallet.pay',
  ],
  // Marketers work on segments and campaigns: they see members, never whole phone numbers.
  // The mall catalogue and points rules are read with members.read; campaigns are theirs to run.
  // Guide tasks are how campaigns reach members in person: marketers hand them out too.
  marketer: [
    'members.read',
    'members.export',
    'reports.read',
    'campaigns.admin',
    'guides.admin',
    'automation.admin',
    'messaging.admin',
  ],
};

export const permissionsOfRole = (role: Role): ReadonlySet<Permission> =>
  new Set(rolePermissions[role]);

/** API keys may carry any permission except administering staff and other keys. */
export const apiKeyScopes = permissions.filter(
  (p) => p !== 'staff.admin' && p !== 'api_keys.admin' && p !== 'member.self',
);

export const isPermission = (value: string): value is Permission =>
  (permissions as readonly string[]).includes(value);
