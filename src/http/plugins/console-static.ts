import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const WEB_DIST = resolve(import.meta.dirname, '../../../web/dist');
const ASSETS = `${sep}assets${sep}`;

// A script or a stylesheet needs no document policies (framing, opener, referrer…): a first
// load fetches some thirty of them, and these headers would add 10 kB. nosniff, HSTS and
// Cross-Origin-Resource-Policy stay.
const ASSET_HEADERS = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const;

/**
 * The built console (web/dist) at `/`: the brotli or gzip file the build wrote beside each
 * asset, hashed assets cached for a year (a new build has new names), index.html revalidated
 * on every load so a deploy is seen at once. Other GETs outside /api and /assets get
 * index.html (client-side routes); a missing asset is a 404, not a page.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  const built = existsSync(resolve(WEB_DIST, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      serve: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders(reply, path) {
        reply.header(
          'cache-control',
          path.includes(ASSETS) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    // the console's files are no part of the API: kept out of the OpenAPI document
    const page = { config: { public: true }, schema: { hide: true } };
    app.get('/', page, (_request, reply) => reply.sendFile('index.html'));
    // the member page (会员H5, its own bundle): /m/<merchant>[/<store>] and its client routes
    const member = (_request: unknown, reply: FastifyReply) => reply.sendFile('member.html');
    app.get('/m/:merchant', page, member);
    app.get('/m/*', page, member);
    app.get<{ Params: { '*': string } }>(
      '/assets/*',
      { ...page, helmet: ASSET_HEADERS },
      // a hashed name never changes content: nothing to revalidate
      (request, reply) =>
        reply.sendFile(`assets/${request.params['*']}`, { etag: false, lastModified: false }),
    );
  }
  app.setNotFoundHandler((request, reply) => {
    const page = !request.url.startsWith('/api/') && !request.url.startsWith('/assets/');
    if (built && request.method === 'GET' && page) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'request.not_found', message: request.url } });
  });
}
