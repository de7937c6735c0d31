import type { FormInstance } from 'antd';
import { ApiError } from './api.ts';

/**
 * Puts the server's error on the form field it names (`member.phone_invalid` → phone;
 * `custom.size` → the custom field). Returns false when no field of this form matches,
 * so the caller shows the message elsewhere.
 */
export function showFieldError(form: FormInstance, error: unknown, fields: string[]): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const name = error.field.split('.');
  if (!fields.includes(name[0] ?? '')) return false;
  form.setFields([{ name, errors: [error.message] }]);
  return true;
}
