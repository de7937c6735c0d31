import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { MessageTemplateRow } from './message-setting.table.ts';
import {
  BUILT_IN_TEMPLATES,
  builtInTemplate,
  type MessageTemplate,
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
