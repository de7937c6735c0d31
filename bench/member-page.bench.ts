/**
 * npm run bench:member-page [-- --runs 8]   (after npm run build:web)
 *
 * The member page (会员H5) on a phone-sized Chromium against the real server on the loopback:
 * the bytes of its first load (cold cache), and the time from tapping 登录 with a one-time code
 * to the card shown, next to the floor in the same run: the same two API calls the page makes
 * (open the session, read the card) sent by a plain HTTP client. Targets: first load ≤ 250 kB,
 * sign-in to card ≤ 1 s. Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { chromium } from 'playwright-core';
import { connect } from '../src/db/connect.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { chromiumLaunchOptions } from '../test/e2e/chromium.ts';
import { benchDatabase, benchMerchant, loadLine, startServer, table } from './support.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '8' } } });
const runs = Number(values.runs);
if (!(runs > 0)) throw new Error('bad --runs');

const source = await benchDatabase(`regulars_bench_member_page_${Date.now()}`);
const { db } = connect(source.url, 2);
await migrateToLatest(db);
const { merchantId } = await benchMerchant(db);
const server = await startServer(source.url);

/** The code the outbox holds for the phone's latest challenge (what the SMS carries). */
async function codeFor(phone: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await sql<{ payload: { vars?: { code?: string } } }>`
      select o.payload from outbox_message o
      join member_otp c on c.merchant_id = o.merchant_id and o.dedupe_key = 'otp:' || c.id
      where c.merchant_id = ${merchantId} and c.phone = ${`+86${phone}`}
      order by c.created_at desc limit 1`.execute(db as Db);
    const code = rows[0]?.payload.vars?.code;
    if (code) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no code in the outbox');
}

const phoneOf = (i: number) =>
  `139${String(Date.now() % 100_000).padStart(5, '0')}${String(i).padStart(3, '0')}`;
const post = (path: string, body: unknown, token?: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

const browser = await chromium.launch(await chromiumLaunchOptions());
const pageMs: number[] = [];
const apiMs: number[] = [];
let firstLoad = 0;
for (let i = 0; i < runs; i++) {
  // the page, in a context of its own (a cold cache for the first load)
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const sizes: Promise<number>[] = [];
  page.on('response', (r) =>
    sizes.push(
      r
        .request()
        .sizes()
        .then((s) => s.responseBodySize + s.responseHeadersSize),
    ),
  );
  const phone = phoneOf(i);
  await page.goto(`/m/${merchantId}`);
  await page.locator('input[aria-label="手机号"]').fill(phone);
  await page.waitForLoadState('networkidle');
  if (i === 0) firstLoad = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.locator('input[aria-label="验证码"]').fill(await codeFor(phone));
  const started = performance.now();
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('not-member').waitFor();
  pageMs.push(performance.now() - started);
  await context.close();

  // the floor: the page's two calls from a plain client
  const apiPhone = phoneOf(500 + i);
  const asked = await post(`/api/member/m/${merchantId}/codes`, { phone: apiPhone });
  if (asked.status !== 201) throw new Error(`code: ${asked.status} ${await asked.text()}`);
  const code = await codeFor(apiPhone);
  const t0 = performance.now();
  const session = await post(`/api/member/m/${merchantId}/sessions`, { phone: apiPhone, code });
  const { token } = (await session.json()) as { token: string };
  const me = await fetch(`${server.url}/api/member/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (me.status !== 200) throw new Error(`me: ${me.status}`);
  await me.arrayBuffer();
  apiMs.push(performance.now() - t0);
}
await browser.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => Math.max(...xs);
console.log(`\nmember page on the loopback, ${runs} sign-ins · ${loadLine()}`);
console.log(
  table([
    ['measure', 'median', 'worst', 'target'],
    ['first load (bytes, cold cache)', firstLoad, firstLoad, '≤ 250,000'],
    ['sign-in tap → card shown (ms)', median(pageMs).toFixed(0), max(pageMs).toFixed(0), '≤ 1000'],
    ['the same two API calls (ms)', median(apiMs).toFixed(0), max(apiMs).toFixed(0), 'floor'],
  ]),
);
server.stop();
await db.destroy();
await source.stop();
