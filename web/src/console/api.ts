import { currentLanguage } from './i18n/index.ts';

/** The console's API client; the shapes it reads come from the server's schemas (wire-types.ts). */
/** A failed call: the server's `{ error: { code, message, field } }`, in the UI language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** what the server adds for the caller, e.g. `available_fen`, `tries_left`, `ceiling` */
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'regulars.token';
export const tokenStore = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized: () => void = () => {};
/** The auth provider registers how a 401 sends the user back to the login page. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface Options {
  query?: Query;
  body?: unknown;
  form?: FormData;
  idempotencyKey?: string;
}

async function send(method: string, path: string, options: Options = {}): Promise<Response> {
  const headers: Record<string, string> = { 'accept-language': currentLanguage() };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(withQuery(`/api${path}`, options.query), { method, headers, body });
  if (response.ok) return response;
  const payload = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string; field?: string; params?: Record<string, unknown> };
  } | null;
  const error = payload?.error;
  // a login failure is the login form's business; any other 401 means the session is gone
  if (response.status === 401 && path !== '/auth/login') onUnauthorized();
  throw new ApiError(
    response.status,
    error?.code ?? 'http.error',
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.field,
    error?.params,
  );
}

async function json<T>(method: string, path: string, options?: Options): Promise<T> {
  const response = await send(method, path, options);
  return (response.status === 204 ? null : await response.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => json<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, idempotencyKey?: string) =>
    json<T>('POST', path, { body, idempotencyKey }),
  patch: <T>(path: string, body: unknown) => json<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => json<T>('PUT', path, { body }),
  delete: (path: string) => json<null>('DELETE', path),
  upload: <T>(path: string, form: FormData) => json<T>('POST', path, { form }),
  /** Fetches a file with the session header and hands it to the browser as a download. */
  async download(path: string, query: Query | undefined, fileName: string): Promise<void> {
    const response = await send('GET', path, { query });
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

/** A v4 UUID; crypto.randomUUID needs a secure context, a console on a LAN address is not one. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
