import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

type Directives = Record<string, string[]>;

/**
 * The console's Content-Security-Policy: scripts only from our origin (the built bundle has no
 * inline script), requests only to our API. Styles allow 'unsafe-inline' because antd injects
 * its CSS-in-JS as <style> elements at run time; a style cannot run code. No
 * upgrade-insecure-requests: a till on the shop's LAN may reach the server over plain HTTP.
 */
export const directives: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export const cspHeader = (policy: Directives): string =>
  Object.entries(policy)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');

const consolePolicy = cspHeader(directives);

/**
 * helmet's headers on every response; the CSP only on HTML documents, the one kind of response
 * a browser applies it to (on each script, style and JSON response it would be 500 bytes of
 * nothing, 40 times over on a first load). A page with its own policy (/docs) keeps it.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, { contentSecurityPolicy: false });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type')).startsWith('text/html'))
      reply.header('content-security-policy', consolePolicy);
    return payload;
  });
}
