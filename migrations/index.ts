import type { Migration } from 'kysely';
import * as platform from './2026_11_25_1700_platform.ts';
import * as members from './2026_11_25_1710_members.ts';
import * as imports from './2026_11_25_1720_imports.ts';
import * as loyalty from './2026_11_25_1730_loyalty.ts';
import * as wallet from './2026_11_25_1740_wallet.ts';
import * as walletState from './2026_11_25_1750_wallet_state.ts';
import * as tenantForeignKeys from './2026_12_01_1000_tenant_foreign_keys.ts';
import * as valueOnce from './2026_12_01_1010_value_once.ts';
import * as auditActor from './2026_12_01_1020_audit_actor.ts';
import * as loginThrottle from './2026_12_01_1050_login_throttle.ts';
import * as reportDayIndexes from './2026_12_01_1060_report_day_indexes.ts';
import * as coupons from './2026_12_01_1100_coupons.ts';
import * as orders from './2026_12_01_1200_orders.ts';
import * as catalogue from './2026_12_01_1300_catalogue.ts';
import * as couponUse from './2026_12_01_1400_coupon_use.ts';
import * as couponChannels from './2026_12_01_1401_coupon_channels.ts';
import * as referral from './2026_12_01_1500_referral.ts';
import * as orderSku from './2026_12_01_1600_order_sku.ts';
import * as marketing from './2026_12_02_0100_marketing.ts';
import * as memberFactsMerged from './2026_12_02_0200_member_facts_merged.ts';
import * as orderImport from './2026_12_02_0300_order_import.ts';
import * as rfmRuns from './2026_12_02_0400_rfm_runs.ts';
import * as campaigns from './2026_12_02_0600_campaigns.ts';
import * as dashboardIndexes from './2026_12_02_0800_dashboard_indexes.ts';
import * as outbox from './2026_12_02_0900_outbox.ts';
import * as messageSettings from './2026_12_02_1000_message_settings.ts';
import * as webhooks from './2026_12_02_1100_webhooks.ts';
import * as automation from './2026_12_02_1200_automation.ts';
import * as memberApp from './2026_12_02_1300_member_app.ts';
import * as membershipAllowance from './2026_12_02_1400_membership_allowance.ts';
import * as guideSetting from './2026_12_02_1410_guide_setting.ts';
import * as moneyGaps from './2026_12_02_1500_money_gaps.ts';
import * as couponClaimable from './2026_12_02_1700_coupon_claimable.ts';
import * as campaignClick from './2026_12_02_1710_campaign_click.ts';
import * as homeStoreMembers from './2026_12_02_1800_home_store_members.ts';
import * as merchantCampaignCap from './2026_12_03_0900_merchant_campaign_cap.ts';

/** Every migration in order of its timestamped name; a new file adds one line here. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_1700_platform': platform,
  '2026_11_25_1710_members': members,
  '2026_11_25_1720_imports': imports,
  '2026_11_25_1730_loyalty': loyalty,
  '2026_11_25_1740_wallet': wallet,
  '2026_11_25_1750_wallet_state': walletState,
  '2026_12_01_1000_tenant_foreign_keys': tenantForeignKeys,
  '2026_12_01_1010_value_once': valueOnce,
  '2026_12_01_1020_audit_actor': auditActor,
  '2026_12_01_1050_login_throttle': loginThrottle,
  '2026_12_01_1060_report_day_indexes': reportDayIndexes,
  '2026_12_01_1100_coupons': coupons,
  '2026_12_01_1200_orders': orders,
  '2026_12_01_1300_catalogue': catalogue,
  '2026_12_01_1400_coupon_use': couponUse,
  '2026_12_01_1500_referral': referral,
  '2026_12_01_1401_coupon_channels': couponChannels,
  '2026_12_01_1600_order_sku': orderSku,
  '2026_12_02_0100_marketing': marketing,
  '2026_12_02_0200_member_facts_merged': memberFactsMerged,
  '2026_12_02_0300_order_import': orderImport,
  '2026_12_02_0400_rfm_runs': rfmRuns,
  '2026_12_02_0600_campaigns': campaigns,
  '2026_12_02_0800_dashboard_indexes': dashboardIndexes,
  '2026_12_02_0900_outbox': outbox,
  '2026_12_02_1000_message_settings': messageSettings,
  '2026_12_02_1300_member_app': memberApp,
  '2026_12_02_1100_webhooks': webhooks,
  '2026_12_02_1200_automation': automation,
  '2026_12_02_1400_membership_allowance': membershipAllowance,
  '2026_12_02_1410_guide_setting': guideSetting,
  '2026_12_02_1500_money_gaps': moneyGaps,
  '2026_12_02_1700_coupon_claimable': couponClaimable,
  '2026_12_02_1710_campaign_click': campaignClick,
  '2026_12_02_1800_home_store_members': homeStoreMembers,
  '2026_12_03_0900_merchant_campaign_cap': merchantCampaignCap,
};
