import { getLang } from './i18n.ts';

/** The merchant (and store) of the link: /m/:merchant[/:store]. */
const segments = location.pathname.split('/');
export const merchantId = segments[2] ?? '';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (UUID.test(segments[3] ?? '')) sessionStorage.setItem('member.store', segments[3] ?? '');
export const storeId = sessionStorage.getItem('member.store');
export const base = `/m/${merchantId}`;

const tokenKey = `member.token.${merchantId}`;
export const getToken = () => localStorage.getItem(tokenKey);
export const setToken = (token: string | null) =>
  token ? localStorage.setItem(tokenKey, token) : localStorage.removeItem(tokenKey);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** JSON over fetch with the member token; value-moving POSTs carry an Idempotency-Key. */
export async function api<T>(
  method: string,
  url: string,
  body?: unknown,
  options: { idempotent?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': getLang() };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotent) headers['idempotency-key'] = newKey();
  const res = await fetch(`/api${url}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401) setToken(null);
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'error',
      json?.error?.message ?? res.statusText,
    );
  }
  return json as T;
}

/** randomUUID needs a secure context; a page served over plain HTTP on a LAN falls back. */
const newKey = () =>
  globalThis.crypto?.randomUUID?.() ??
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
