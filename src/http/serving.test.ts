import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/factories.ts';
import { WEB_DIST } from './plugins/console-static.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];
const BOTH = { 'accept-encoding': 'br, gzip' };
const IMMUTABLE = 'public, max-age=31536000, immutable';

const decode = (body: Buffer, encoding: unknown) =>
  encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: unknown): Record<string, string[]> {
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

describe('serving the console', () => {
  let app: App;
  beforeAll(async () => {
    if (!existsSync(resolve(WEB_DIST, 'index.html')))
      throw new Error('web/dist is missing: run `npm run build:web` first');
    ({ app } = await testApp());
  });

  it('first load (index.html and every asset it references) is ≤ 400 kB in brotli, assets immutable', async () => {
    const index = await app.inject({ method: 'GET', url: '/', headers: BOTH });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-encoding']).toBe('br');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers.vary).toMatch(/accept-encoding/i);
    const html = decode(index.rawPayload, 'br').toString();
    expect(html).toBe(readFileSync(resolve(WEB_DIST, 'index.html'), 'utf8'));

    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(([, url]) => url);
    expect(assets.length).toBeGreaterThan(1);
    let transferred = index.rawPayload.length;
    let raw = 0;
    for (const url of assets) {
      const asset = await app.inject({ method: 'GET', url: url as string, headers: BOTH });
      expect(asset.statusCode, url).toBe(200);
      expect(asset.headers['content-encoding'], url).toBe('br');
      expect(asset.headers['cache-control'], url).toBe(IMMUTABLE);
      const body = decode(asset.rawPayload, 'br');
      expect(body.equals(readFileSync(resolve(WEB_DIST, `.${url}`))), url).toBe(true);
      transferred += asset.rawPayload.length;
      raw += body.length;
    }
    expect(transferred).toBeLessThanOrEqual(400_000);
    expect(transferred).toBeLessThan(raw / 3);
  });

  it('gzip for clients without brotli, the plain file for clients without either', async () => {
    const html = readFileSync(resolve(WEB_DIST, 'index.html'), 'utf8');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const gzipped = await app.inject({ url: script, headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/javascript/);
    const plain = await app.inject({ url: script, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe(IMMUTABLE);
    expect(decode(gzipped.rawPayload, 'gzip').equals(plain.rawPayload)).toBe(true);
    expect(plain.rawPayload.equals(readFileSync(resolve(WEB_DIST, `.${script}`)))).toBe(true);
  });

  it('client-side routes get index.html; a missing asset or API route is a JSON 404', async () => {
    const page = await app.inject({ url: '/members/0190f0e1-0000-7000-8000-000000000000' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    for (const url of ['/assets/index-gone.js', '/api/nothing-here']) {
      const missing = await app.inject({ url });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json().error.code).toBe('request.not_found');
    }
  });

  it('a strict Content-Security-Policy on the pages: scripts from our origin only, requests to our API only', async () => {
    for (const url of ['/', '/members']) {
      const policy = csp((await app.inject({ url })).headers['content-security-policy']);
      expect(policy['script-src'], url).toEqual(["'self'"]);
      expect(policy['default-src']).toEqual(["'self'"]);
      expect(policy['connect-src']).toEqual(["'self'"]);
      expect(policy['object-src']).toEqual(["'none'"]);
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      // antd writes its CSS-in-JS into <style> elements
      expect(policy['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(policy['upgrade-insecure-requests']).toBeUndefined();
    }
    // a policy applies to documents only: not sent with every script and API answer
    const html = readFileSync(resolve(WEB_DIST, 'index.html'), 'utf8');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    for (const url of [script, '/health']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy'], url).toBeUndefined();
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });
});

describe('serving the API reference', () => {
  let app: App;
  beforeAll(async () => {
    ({ app } = await testApp());
  });

  it('is self-contained: our own script, no web fonts, no telemetry; inline script allowed by hash', async () => {
    const page = await app.inject({ url: '/docs/', headers: BOTH });
    expect(page.statusCode).toBe(200);
    const html = decode(page.rawPayload, page.headers['content-encoding']).toString();
    expect(html).toContain('<script src="js/scalar.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toMatch(/"withDefaultFonts": false/);
    expect(html).toMatch(/"telemetry": false/);

    const policy = csp(page.headers['content-security-policy']);
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)];
    expect(inline.length).toBe(1);
    const hash = createHash('sha256')
      .update(inline[0]?.[1] ?? '')
      .digest('base64');
    expect(policy['script-src']).toEqual(["'self'", `'sha256-${hash}'`]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['font-src']).toEqual(["'self'", 'data:']);
  });

  it('loads compressed: script and OpenAPI document in brotli, the whole page ≤ 1.3 MB', async () => {
    // the page itself is < 1 kB, sent as it is
    let transferred = (await app.inject({ url: '/docs/', headers: BOTH })).rawPayload.length;
    for (const url of ['/docs/js/scalar.js', '/docs/openapi.json']) {
      const compressed = await app.inject({ url, headers: BOTH });
      const plain = await app.inject({ url });
      expect(compressed.statusCode, url).toBe(200);
      expect(compressed.headers['content-encoding'], url).toBe('br');
      expect(compressed.headers.vary, url).toMatch(/accept-encoding/);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      expect(decode(compressed.rawPayload, 'br').equals(plain.rawPayload), url).toBe(true);
      transferred += compressed.rawPayload.length;
      // the second request is served from the kept result
      const again = await app.inject({ url, headers: BOTH });
      expect(again.rawPayload.equals(compressed.rawPayload), url).toBe(true);
    }
    expect(transferred).toBeLessThanOrEqual(1_300_000);
    const gzipped = await app.inject({
      url: '/docs/openapi.json',
      headers: { 'accept-encoding': 'gzip;q=1, br;q=0' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    const document = JSON.parse(gunzipSync(gzipped.rawPayload).toString());
    expect(document.openapi).toBe('3.1.0');
    // the console's own files are not API operations
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/'))).toEqual([
      '/health',
    ]);
  });
});
