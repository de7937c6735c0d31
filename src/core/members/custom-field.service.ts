import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { CustomFieldBody } from './member.schema.ts';
import type { CustomFieldRow } from './member.table.ts';

export async function createCustomField(
  trx: Trx,
  ctx: Ctx,
  input: CustomFieldBody,
): Promise<CustomFieldRow> {
  const options = input.options ?? [];
  if (input.type === 'option' && options.length === 0)
    throw new DomainError('request.invalid', { field: 'options' });
  const field = await trx
    .insertInto('custom_field')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      key: input.key,
      label: input.label,
      type: input.type,
      options,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'custom_field.create',
    entityType: 'custom_field',
    entityId: field.id,
    after: input,
  });
  return field;
}

export async function listCustomFields(db: Db, ctx: Ctx): Promise<CustomFieldRow[]> {
  return db
    .selectFrom('custom_field')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('key')
    .execute();
}
