import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { MessageTemplateRow } from './message-setting.table.ts';
import {
  BUILT_IN_TEMPLATES,
  builtInTemplate,
  type MessageTemplate,
  renderTemplate,
  type TemplateVars,
} from './message-template.rules.ts';

export const templateOfRow = (row: MessageTemplateRow): MessageTemplate => ({
  code: row.code,
  purpose: row.purpose,
  'zh-CN': { title: row.title_zh, body: row.body_zh },
  en: { title: row.title_en, body: row.body_en },
});

/** The merchant's template of this code, else the built-in one; neither is `message.template_not_found`. */
export async function resolveTemplate(
  db: Db | Trx,
  ctx: Ctx,
  code: string,
): Promise<MessageTemplate> {
  const own = await db
    .selectFrom('message_template')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('code', '=', code)
    .executeTakeFirst();
  const template = own ? templateOfRow(own) : builtInTemplate(code);
  if (!template) throw new DomainError('message.template_not_found', { field: 'template' });
  return template;
}

export interface ListedTemplate extends MessageTemplate {
  id: string | null;
  built_in: boolean;
  overridden: boolean;
}

/** Every template the merchant can use: its own, then the built-ins it has not replaced. */
export async function listTemplates(db: Db | Trx, ctx: Ctx): Promise<ListedTemplate[]> {
  const own = await db
    .selectFrom('message_template')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('code')
    .execute();
  const codes = new Set(own.map((r) => r.code));
  return [
    ...own.map((r) => ({
      ...templateOfRow(r),
      id: r.id,
      built_in: false,
      overridden: builtInTemplate(r.code) !== undefined,
    })),
    ...BUILT_IN_TEMPLATES.filter((t) => !codes.has(t.code)).map((t) => ({
      ...t,
      id: null,
      built_in: true,
      overridden: false,
    })),
  ];
}

export interface TemplateInput {
  code: string;
  purpose: 'marketing' | 'service';
  title_zh: string;
  body_zh: string;
  title_en: string;
  body_en: string;
}

/** A merchant's template: a built-in code overrides the built-in one, a new code adds one. */
export async function createTemplate(trx: Trx, ctx: Ctx, input: TemplateInput) {
  const exists = await trx
    .selectFrom('message_template')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (exists) throw new DomainError('message.template_exists', { field: 'code' });
  const row = await trx
    .insertInto('message_template')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      code: input.code,
      purpose: input.purpose,
      title_zh: input.title_zh,
      body_zh: input.body_zh,
      title_en: input.title_en,
      body_en: input.body_en,
      created_at: ctx.now,
      updated_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'message_template.create',
    entityType: 'message_template',
    entityId: row.id,
    after: row,
  });
  return row;
}

export async function updateTemplate(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: Partial<Omit<TemplateInput, 'code'>>,
) {
  const before = await lockOwnRow(trx, ctx, 'message_template', id, 'message.template_not_found');
  const patch = pickDefined(input, {
    purpose: true,
    title_zh: true,
    body_zh: true,
    title_en: true,
    body_en: true,
  });
  const row = await trx
    .updateTable('message_template')
    .set({ ...patch, updated_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'message_template.update',
    entityType: 'message_template',
    entityId: id,
    before,
    after: row,
  });
  return row;
}

/** Deleting an override brings the built-in template of its code back. */
export async function deleteTemplate(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  const before = await lockOwnRow(trx, ctx, 'message_template', id, 'message.template_not_found');
  await trx
    .deleteFrom('message_template')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, ctx, {
    action: 'message_template.delete',
    entityType: 'message_template',
    entityId: id,
    before,
  });
}

/** What a template (stored, built-in, or the text being edited) renders to with these values. */
export async function previewTemplate(
  db: Db | Trx,
  ctx: Ctx,
  input: { code?: string; text?: Omit<TemplateInput, 'code' | 'purpose'>; vars: TemplateVars },
) {
  const template: MessageTemplate = input.text
    ? {
        code: 'preview',
        purpose: 'service',
        'zh-CN': { title: input.text.title_zh, body: input.text.body_zh },
        en: { title: input.text.title_en, body: input.text.body_en },
      }
    : await resolveTemplate(db, ctx, input.code ?? '');
  return {
    'zh-CN': renderTemplate(template, 'zh-CN', input.vars),
    en: renderTemplate(template, 'en', input.vars),
  };
}
