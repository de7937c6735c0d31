import type { Kysely, Transaction } from 'kysely';
import type { AuditLogTable } from '../core/audit/audit.table.ts';
import type {
  AutomationRunTable,
  AutomationTable,
  HolidayTable,
} from '../core/automation/automation.table.ts';
import type { CampaignMemberTable, CampaignTable } from '../core/campaigns/campaign.table.ts';
import type {
  ProductCategoryTable,
  ProductTable,
  SkuStoreTable,
  SkuTable,
} from '../core/catalogue/catalogue.table.ts';
import type {
  CouponSettingTable,
  CouponTable,
  CouponTemplateTable,
  CouponUseTable,
} from '../core/coupons/coupon.table.ts';
import type {
  MemberCategoryFactTable,
  MemberFactTable,
  MemberStoreFactTable,
} from '../core/facts/fact.table.ts';
import type { GuideSettingTable, GuideTaskTable } from '../core/guides/guide-task.table.ts';
import type {
  ImportGroupTable,
  ImportJobTable,
  ImportOrderRowTable,
  ImportOrderTable,
  ImportRowErrorTable,
  ImportRowTable,
} from '../core/imports/import.table.ts';
import type { LedgerBalanceTable, LedgerEntryTable } from '../core/ledger/ledger.table.ts';
import type { MallRedemptionTable, MallRewardTable } from '../core/mall/mall.table.ts';
import type {
  MemberOtpTable,
  MemberPaymentTable,
  MemberPrivacyRequestTable,
  MemberSessionTable,
} from '../core/member-app/member-app.table.ts';
import type {
  CustomFieldTable,
  MemberCodeUseTable,
  MemberIdentityTable,
  MemberMergeTable,
  MemberTable,
} from '../core/members/member.table.ts';
import type {
  MembershipInvitationTable,
  MembershipPlanTable,
  PaidMembershipAllowanceTable,
  PaidMembershipTable,
} from '../core/membership/membership.table.ts';
import type { MemberMessageTable } from '../core/messaging/member-message.table.ts';
import type {
  MessageChannelSettingTable,
  MessageOptOutTable,
  MessageSettingTable,
  MessageTemplateTable,
} from '../core/messaging/message-setting.table.ts';
import type { OutboxAttemptTable, OutboxMessageTable } from '../core/messaging/outbox.table.ts';
import type {
  CheckoutSettingTable,
  OrderRefundTable,
  SaleOrderLineTable,
  SaleOrderTable,
} from '../core/orders/order.table.ts';
import type { TenderTable } from '../core/payments/tender.table.ts';
import type {
  PointsCampaignTable,
  PointsEarningTable,
  PointsLotTable,
  PointsLotUseTable,
  PointsSettingTable,
} from '../core/points/points.table.ts';
import type {
  ReferralBindingTable,
  ReferralCodeTable,
  ReferralCommissionTable,
  ReferralSettingTable,
  ReferralWithdrawalTable,
} from '../core/referral/referral.table.ts';
import type {
  MemberLifecycleChangeTable,
  MemberRfmTable,
  RfmSettingTable,
} from '../core/rfm/rfm.table.ts';
import type { SegmentTable } from '../core/segments/segment.table.ts';
import type {
  MemberTagHistoryTable,
  MemberTagTable,
  TagGroupTable,
  TagTable,
} from '../core/tags/tag.table.ts';
import type {
  ApiKeyTable,
  IdempotencyKeyTable,
  LoginThrottleTable,
  MerchantTable,
  StaffSessionTable,
  StaffTable,
  StoreTable,
} from '../core/tenancy/tenancy.table.ts';
import type {
  GrowthEntryTable,
  MemberLoyaltyTable,
  TierHistoryTable,
  TierRightUseTable,
  TierSettingTable,
  TierTable,
} from '../core/tiers/tier.table.ts';
import type {
  BonusPartTable,
  PaymentPasswordTable,
  RechargePlanTable,
  RechargeTable,
  WalletPaymentTable,
  WalletSettingTable,
} from '../core/wallet/wallet.table.ts';
import type {
  WebhookEventTable,
  WebhookSubscriptionTable,
} from '../core/webhooks/webhook.table.ts';

export interface Database {
  checkout_setting: CheckoutSettingTable;
  sale_order: SaleOrderTable;
  sale_order_line: SaleOrderLineTable;
  order_refund: OrderRefundTable;
  merchant: MerchantTable;
  store: StoreTable;
  staff: StaffTable;
  staff_session: StaffSessionTable;
  login_throttle: LoginThrottleTable;
  api_key: ApiKeyTable;
  audit_log: AuditLogTable;
  idempotency_key: IdempotencyKeyTable;
  member: MemberTable;
  member_identity: MemberIdentityTable;
  custom_field: CustomFieldTable;
  member_merge: MemberMergeTable;
  member_code_use: MemberCodeUseTable;
  ledger_balance: LedgerBalanceTable;
  ledger_entry: LedgerEntryTable;
  tier_setting: TierSettingTable;
  tier: TierTable;
  member_loyalty: MemberLoyaltyTable;
  growth_entry: GrowthEntryTable;
  tier_history: TierHistoryTable;
  tier_right_use: TierRightUseTable;
  points_setting: PointsSettingTable;
  points_campaign: PointsCampaignTable;
  points_earning: PointsEarningTable;
  points_lot: PointsLotTable;
  points_lot_use: PointsLotUseTable;
  mall_reward: MallRewardTable;
  mall_redemption: MallRedemptionTable;
  coupon_template: CouponTemplateTable;
  coupon: CouponTable;
  product_category: ProductCategoryTable;
  product: ProductTable;
  sku: SkuTable;
  sku_store: SkuStoreTable;
  coupon_use: CouponUseTable;
  coupon_setting: CouponSettingTable;
  wallet_setting: WalletSettingTable;
  recharge_plan: RechargePlanTable;
  recharge: RechargeTable;
  tender: TenderTable;
  bonus_part: BonusPartTable;
  wallet_payment: WalletPaymentTable;
  payment_password: PaymentPasswordTable;
  membership_plan: MembershipPlanTable;
  paid_membership: PaidMembershipTable;
  paid_membership_allowance: PaidMembershipAllowanceTable;
  membership_invitation: MembershipInvitationTable;
  import_job: ImportJobTable;
  import_row_error: ImportRowErrorTable;
  import_row: ImportRowTable;
  import_group: ImportGroupTable;
  import_order_row: ImportOrderRowTable;
  import_order: ImportOrderTable;
  referral_setting: ReferralSettingTable;
  referral_code: ReferralCodeTable;
  referral_binding: ReferralBindingTable;
  referral_commission: ReferralCommissionTable;
  referral_withdrawal: ReferralWithdrawalTable;
  member_fact: MemberFactTable;
  member_category_fact: MemberCategoryFactTable;
  member_store_fact: MemberStoreFactTable;
  tag_group: TagGroupTable;
  tag: TagTable;
  member_tag: MemberTagTable;
  member_tag_history: MemberTagHistoryTable;
  rfm_setting: RfmSettingTable;
  member_rfm: MemberRfmTable;
  member_lifecycle_change: MemberLifecycleChangeTable;
  segment: SegmentTable;
  member_message: MemberMessageTable;
  guide_task: GuideTaskTable;
  guide_setting: GuideSettingTable;
  campaign: CampaignTable;
  campaign_member: CampaignMemberTable;
  outbox_message: OutboxMessageTable;
  outbox_attempt: OutboxAttemptTable;
  member_otp: MemberOtpTable;
  member_session: MemberSessionTable;
  member_privacy_request: MemberPrivacyRequestTable;
  member_payment: MemberPaymentTable;
  automation: AutomationTable;
  automation_run: AutomationRunTable;
  holiday: HolidayTable;
  webhook_subscription: WebhookSubscriptionTable;
  webhook_event: WebhookEventTable;
  message_opt_out: MessageOptOutTable;
  message_template: MessageTemplateTable;
  message_channel_setting: MessageChannelSettingTable;
  message_setting: MessageSettingTable;
}

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
