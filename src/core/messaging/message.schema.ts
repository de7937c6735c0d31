import { type Static, Type } from 'typebox';
import { Body, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';

export const PushChannelParams = Type.Object({
  channel: Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('wechat')]),
});
const Purpose = Type.Union([Type.Literal('marketing'), Type.Literal('service')]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const TemplateFields = {
  purpose: Purpose,
  title_zh: Text(100),
  body_zh: Text(1000),
  title_en: Text(100),
  body_en: Text(1000),
};
export const TemplateBody = Body({
  code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', maxLength: 40 }),
  ...TemplateFields,
});
export type TemplateBody = Static<typeof TemplateBody>;
export const TemplatePatch = PatchBody(Type.Object(TemplateFields));
export type TemplatePatch = Static<typeof TemplatePatch>;

const Rendered = Type.Object({ title: Type.String(), body: Type.String() });
export const TemplateResponse = Type.Object({
  id: Nullable(Uuid),
  code: Type.String(),
  purpose: Purpose,
  'zh-CN': Rendered,
  en: Rendered,
  built_in: Type.Boolean(),
  overridden: Type.Boolean(),
});
export const TemplateRowResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  ...TemplateFields,
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Vars = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: 500 }), Type.Number({ minimum: -1e12, maximum: 1e12 })]),
  {
    maxProperties: 30,
  },
);
export const PreviewBody = Body({
  code: Type.Optional(Type.String({ maxLength: 40 })),
  text: Type.Optional(
    Body({ title_zh: Text(100), body_zh: Text(1000), title_en: Text(100), body_en: Text(1000) }),
  ),
  vars: Vars,
});
export type PreviewBody = Static<typeof PreviewBody>;
export const PreviewResponse = Type.Object({ 'zh-CN': Rendered, en: Rendered });

const Config = Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20 });
export const ChannelSettingBody = Body({
  enabled: Type.Boolean(),
  provider: Type.String({ minLength: 1, maxLength: 20 }),
  config: Config,
});
export type ChannelSettingBody = Static<typeof ChannelSettingBody>;
export const ChannelSettingResponse = Type.Object({
  channel: Type.String(),
  enabled: Type.Boolean(),
  provider: Type.String(),
  config: Config,
});

const Minute = Nullable(Type.Integer({ minimum: 0, maximum: 1439 }));
export const MessageSettingsBody = Body({
  quiet_start_minute: Minute,
  quiet_end_minute: Minute,
  daily_marketing_cap: Nullable(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type MessageSettingsBody = Static<typeof MessageSettingsBody>;
export const MessageSettingsResponse = Type.Object({
  quiet_start_minute: Minute,
  quiet_end_minute: Minute,
  daily_marketing_cap: Nullable(Type.Integer()),
});

const Status = Type.Union(
  ['pending', 'retrying', 'sent', 'dead', 'skipped'].map((s) => Type.Literal(s)),
);
export const MessageQuery = Type.Object(
  {
    status: Type.Optional(Status),
    channel: Type.Optional(
      Type.Union(['inbox', 'sms', 'email', 'wechat', 'webhook'].map((c) => Type.Literal(c))),
    ),
    member_id: Type.Optional(Uuid),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const MessageResponse = Type.Object({
  id: Uuid,
  channel: Type.String(),
  purpose: Purpose,
  member_id: Nullable(Uuid),
  phone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  template: Nullable(Type.String()),
  title: Nullable(Type.String()),
  body: Nullable(Type.String()),
  dedupe_key: Type.String(),
  status: Type.String(),
  skip_reason: Nullable(Type.String()),
  attempts: Type.Integer(),
  next_attempt_at: Timestamp,
  last_error: Nullable(Type.String()),
  sent_at: Nullable(Timestamp),
  created_at: Timestamp,
});
export const AttemptResponse = Type.Object({
  id: Uuid,
  attempt: Type.Integer(),
  ok: Type.Boolean(),
  status_code: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  duration_ms: Type.Integer(),
  created_at: Timestamp,
});
export const MessageDetail = Type.Intersect([
  MessageResponse,
  Type.Object({ attempt_log: Type.Array(AttemptResponse) }),
]);
export const InboxItem = Type.Object({
  id: Uuid,
  purpose: Purpose,
  title: Type.String(),
  body: Type.String(),
  ref_type: Nullable(Type.String()),
  ref_id: Nullable(Uuid),
  read_at: Nullable(Timestamp),
  created_at: Timestamp,
});
export const MemberMessagesResponse = Type.Object({
  inbox: Type.Array(InboxItem),
  history: Type.Array(MessageResponse),
});
