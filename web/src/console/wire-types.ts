/**
 * The JSON shapes of the Regulars API as the console reads them, taken from the server's TypeBox
 * schemas (type-only imports, erased by Vite), so a server change that the console does not follow
 * fails the typecheck. Money is integer fen, rates basis points, instants ISO strings.
 */
import type { Static, TSchema } from 'typebox';
import type { AuditEntry as AuditEntrySchema } from '../../../src/core/audit/audit.schema.ts';
import type {
  Category as CategorySchema,
  Product as ProductSchema,
  TillSku as TillSkuSchema,
} from '../../../src/core/catalogue/catalogue.schema.ts';
import type {
  CouponResponse as CouponResponseSchema,
  TemplateResponse as TemplateResponseSchema,
} from '../../../src/core/coupons/coupon-api.schema.ts';
import type {
  ImportErrorPage as ImportErrorPageSchema,
  ImportJob as ImportJobSchema,
} from '../../../src/core/imports/import.schema.ts';
import type {
  LedgerEntry as LedgerEntrySchema,
  LedgerName as LedgerNameSchema,
} from '../../../src/core/ledger/ledger.schema.ts';
import type {
  Redemption as RedemptionSchema,
  RewardKind as RewardKindSchema,
  Reward as RewardSchema,
} from '../../../src/core/mall/mall.schema.ts';
import type {
  Balances as BalancesSchema,
  CustomField as CustomFieldSchema,
  Gender as GenderSchema,
  IdentityKind as IdentityKindSchema,
  Identity as IdentitySchema,
  MemberCode as MemberCodeSchema,
  MemberDetail as MemberDetailSchema,
  MemberListItem as MemberListItemSchema,
  MemberPage as MemberPageSchema,
  Member as MemberSchema,
  MergeRecord as MergeRecordSchema,
} from '../../../src/core/members/member.schema.ts';
import type {
  MembershipPlan as MembershipPlanSchema,
  MembershipStatus as MembershipStatusSchema,
  PaidMembership as PaidMembershipSchema,
} from '../../../src/core/membership/membership.schema.ts';
import type {
  CommitBody as CommitBodySchema,
  OrderResponse as OrderResponseSchema,
  QuoteResponse as QuoteResponseSchema,
  RefundResponse as RefundResponseSchema,
} from '../../../src/core/orders/order.schema.ts';
import type {
  Campaign as CampaignSchema,
  LiabilityReport as LiabilityReportSchema,
  PointsEntry as PointsEntrySchema,
  PointsMovement as PointsMovementSchema,
  PointsRules as PointsRulesSchema,
  PointsStatement as PointsStatementSchema,
} from '../../../src/core/points/points.schema.ts';
import type { SettlementRow as SettlementRowSchema } from '../../../src/core/reports/settlement.schema.ts';
import type {
  ApiKey as ApiKeySchema,
  LoginResult as LoginResultSchema,
  Me as MeSchema,
  Staff as StaffSchema,
  Store as StoreSchema,
} from '../../../src/core/tenancy/tenancy.schema.ts';
import type {
  MemberTierStatus as MemberTierStatusSchema,
  TierRight as TierRightSchema,
  Tier as TierSchema,
  TierSetting as TierSettingSchema,
} from '../../../src/core/tiers/tier.schema.ts';
import type {
  BonusPart as BonusPartSchema,
  CouponPackItem as CouponPackItemSchema,
  PasswordStatus as PasswordStatusSchema,
  RechargePlan as RechargePlanSchema,
  Recharge as RechargeSchema,
  RechargeSummary as RechargeSummarySchema,
  SpendingOrder as SpendingOrderSchema,
  TenderMethod as TenderMethodSchema,
  Tender as TenderSchema,
  WalletLiability as WalletLiabilitySchema,
  WalletPayment as WalletPaymentSchema,
  Wallet as WalletSchema,
  WalletSetting as WalletSettingSchema,
} from '../../../src/core/wallet/wallet.schema.ts';

/** What JSON makes of a server value: a Date arrives as its ISO string. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;
type From<S extends TSchema> = Wire<Static<S>>;

export type Me = From<typeof MeSchema>;
export type LoginResult = From<typeof LoginResultSchema>;
export type StaffView = LoginResult['staff'];
export type Store = From<typeof StoreSchema>;
export type Staff = From<typeof StaffSchema>;
export type ApiKey = From<typeof ApiKeySchema>;
export type LedgerName = From<typeof LedgerNameSchema>;
export type LedgerEntry = From<typeof LedgerEntrySchema>;
export type AuditEntry = From<typeof AuditEntrySchema>;
export type Gender = From<typeof GenderSchema>;
export type IdentityKind = From<typeof IdentityKindSchema>;
export type Member = From<typeof MemberSchema>;
export type MemberListItem = From<typeof MemberListItemSchema>;
export type MemberPage = From<typeof MemberPageSchema>;
export type Identity = From<typeof IdentitySchema>;
export type Balances = From<typeof BalancesSchema>;
export type MergeRecord = From<typeof MergeRecordSchema>;
export type MemberDetail = From<typeof MemberDetailSchema>;
export type MemberCode = From<typeof MemberCodeSchema>;
export type CustomField = From<typeof CustomFieldSchema>;
export type ImportJob = From<typeof ImportJobSchema>;
export type ImportStatus = ImportJob['status'];
export type ImportErrorPage = From<typeof ImportErrorPageSchema>;

export type TierRight = From<typeof TierRightSchema>;
export type Tier = From<typeof TierSchema>;
export type TierSetting = From<typeof TierSettingSchema>;
export type TierBasis = TierSetting['basis'];
export type MemberTierStatus = From<typeof MemberTierStatusSchema>;
export type TierChange = MemberTierStatus['history'][number];

export type PointsRules = From<typeof PointsRulesSchema>;
export type ExpiryPolicy = PointsRules['expiry_policy'];
export type GrantRole = keyof PointsRules['grant_ceilings'];
export type PointsCampaign = From<typeof CampaignSchema>;
export type PointsEntry = From<typeof PointsEntrySchema>;
export type PointsStatement = From<typeof PointsStatementSchema>;
export type PointsLot = PointsStatement['lots'][number];
export type PointsMovement = From<typeof PointsMovementSchema>;
export type PointsLiability = From<typeof LiabilityReportSchema>;

export type RewardKind = From<typeof RewardKindSchema>;
export type Reward = From<typeof RewardSchema>;
export type Redemption = From<typeof RedemptionSchema>;

export type TenderMethod = From<typeof TenderMethodSchema>;
export type Tender = From<typeof TenderSchema>;
export type TenderInput = Pick<Tender, 'method' | 'amount_fen'>;
export type CouponPackItem = From<typeof CouponPackItemSchema>;
export type RechargePlan = From<typeof RechargePlanSchema>;
export type BonusMode = RechargePlan['bonus_mode'];
export type InstalmentStart = RechargePlan['instalment_start'];
export type BonusPart = From<typeof BonusPartSchema>;
export type PartState = BonusPart['state'];
export type Recharge = From<typeof RechargeSchema>;
export type RechargeSummary = From<typeof RechargeSummarySchema>;
export type RechargeRefund = NonNullable<Recharge['refund']>;
export type PasswordStatus = From<typeof PasswordStatusSchema>;
export type Wallet = From<typeof WalletSchema>;
export type WalletPayment = From<typeof WalletPaymentSchema>;
export type SpendingOrder = From<typeof SpendingOrderSchema>;
export type WalletSetting = From<typeof WalletSettingSchema>;
export type WalletLiability = From<typeof WalletLiabilitySchema>;
export type WalletLiabilityRow = WalletLiability['stores'][number];

export type MembershipPlan = From<typeof MembershipPlanSchema>;
export type PaidMembership = From<typeof PaidMembershipSchema>;
export type MembershipStatus = From<typeof MembershipStatusSchema>;

export type TillSku = From<typeof TillSkuSchema>;
export type Category = From<typeof CategorySchema>;
export type Product = From<typeof ProductSchema>;
export type SettlementRow = From<typeof SettlementRowSchema>;
export type MemberCoupon = From<typeof CouponResponseSchema>;
export type CouponTemplate = From<typeof TemplateResponseSchema>;
export type CommitBody = Static<typeof CommitBodySchema>;
export type Quote = From<typeof QuoteResponseSchema>;
export type Order = From<typeof OrderResponseSchema>;
export type OrderLine = Order['lines'][number];
export type Refund = From<typeof RefundResponseSchema>;
