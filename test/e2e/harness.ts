import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type PgBoss from 'pg-boss';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Db } from '../../src/db/database.ts';
import { type App, buildApp } from '../../src/http/app.ts';
import { startBoss } from '../../src/jobs/boss.ts';
import { registerWorkers } from '../../src/jobs/workers.ts';
import { testDb } from '../db.ts';
import { testConfig } from '../factories.ts';
import { chromiumLaunchOptions } from './chromium.ts';

const DIST = resolve('web/dist/index.html');
const SCREENSHOTS = resolve('docs/screenshots');

export interface Console {
  db: Db;
  app: App;
  baseUrl: string;
  browser: Browser;
  page: Page;
  /** uncaught exceptions in the page: a test ends by expecting none */
  pageErrors: string[];
  screenshot(name: string): Promise<void>;
  /** a page in a browser context of its own: another viewport (a phone), another sign-in */
  openPage(options?: { phone?: boolean }): Promise<OpenPage>;
  close(): Promise<void>;
}

export interface OpenPage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** A phone's screen, as the member page and the guide's task cards are used. */
export const PHONE = { width: 390, height: 844 };

async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { phone?: boolean; downloads?: boolean } = {},
): Promise<OpenPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.phone ? PHONE : { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
    ...(options.downloads ? { acceptDownloads: true } : {}),
  });
  // generous: the CI box has 2 cores shared with PostgreSQL and the other test files
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (process.env.E2E_CONSOLE_LOG)
    page.on('console', (m) => m.type() !== 'log' && console.log(`[browser ${m.type()}]`, m.text()));
  return { page, errors, close: () => context.close() };
}

/**
 * The real server on a random port, serving the built console, with pg-boss workers when
 * asked (imports run as jobs), and one Chromium page at 1280×800 reused by a whole file.
 */
export async function startConsole(options: { jobs?: boolean } = {}): Promise<Console> {
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: run \`npm run build:web\` before the browser tests`);
  const { db, url } = await testDb();
  const config = testConfig();
  let boss: PgBoss | undefined;
  if (options.jobs) {
    boss = await startBoss(url, (m) => console.error(m));
    await registerWorkers(boss, db, config, pino({ level: 'silent' }));
  }
  const app = await buildApp({ db, config, ...(boss ? { boss } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const { page, errors: pageErrors } = await openPage(browser, baseUrl, { downloads: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    db,
    app,
    baseUrl,
    browser,
    page,
    pageErrors,
    async screenshot(name) {
      // let antd's enter animations settle so the picture shows the finished screen
      await page.waitForTimeout(400);
      await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
    },
    openPage: (options) => openPage(browser, baseUrl, options),
    async close() {
      await browser.close();
      await app.close();
      await boss?.stop({ graceful: false, wait: true });
    },
  };
}

/** Logs in through the form, as a person would; the console opens on the role's start page. */
export async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel(/登录名|Login/).fill(login);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /登\s*录|Sign in/ }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}
