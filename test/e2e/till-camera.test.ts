import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/members/member.table.ts';
import { createTestMerchant, PASSWORD, type TestMerchant } from '../factories.ts';
import { type Console, logIn, startConsole } from './harness.ts';
import { seedBakery } from './seed.ts';

/**
 * The cashier's start page is the till; the camera button reads a code into the member search.
 * No real camera: a stub BarcodeDetector and a canvas stream stand in for getUserMedia.
 */
describe('the till for a cashier, with camera scanning', () => {
  let c: Console;
  let merchant: TestMerchant;
  let members: MemberRow[];

  beforeAll(async () => {
    c = await startConsole();
    merchant = await createTestMerchant(c.db);
    members = (await seedBakery(c.db, merchant.ctx('owner'), merchant.merchantId)).members;
  });
  afterAll(async () => {
    await c?.close();
  });

  it('lands a cashier on the till, with no camera button where the browser reads no codes', async () => {
    const { page } = c;
    // Linux Chromium has no BarcodeDetector; removed anyway so the test means the same elsewhere
    await page.addInitScript(() => {
      delete (window as { BarcodeDetector?: unknown }).BarcodeDetector;
    });
    await logIn(page, merchant.logins.cashier, PASSWORD);
    await page.waitForURL((url) => url.pathname === '/till');
    await page.getByPlaceholder('手机号 / 卡号 / 扫会员码').waitFor();
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/till');
    await page.getByTestId('till-page').waitFor();
    expect(await page.getByTestId('camera-scan').count()).toBe(0);
    expect(c.pageErrors).toEqual([]);
  });

  it('keeps the home dashboard for an owner', async () => {
    const context = await c.browser.newContext({ baseURL: c.baseUrl, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await logIn(page, merchant.logins.owner, PASSWORD);
      await page.waitForTimeout(500);
      expect(new URL(page.url()).pathname).toBe('/');
    } finally {
      await context.close();
    }
  });

  it('reads a card number from the camera into the member search and finds the member', async () => {
    const member = members[0]!;
    const context = await c.browser.newContext({ baseURL: c.baseUrl, locale: 'zh-CN' });
    context.setDefaultTimeout(15_000);
    await context.addInitScript((cardNo: string) => {
      const w = window as unknown as Record<string, unknown>;
      w.BarcodeDetector = class {
        formats: string[];
        constructor(options: { formats: string[] }) {
          this.formats = options.formats;
        }
        async detect(video: HTMLVideoElement) {
          // a code once the preview has shown a frame of the (fake) stream
          return video.srcObject ? [{ rawValue: cardNo, format: 'code_128' }] : [];
        }
      };
      const getUserMedia = async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 48;
        const draw = canvas.getContext('2d');
        if (draw) draw.fillRect(0, 0, 64, 48);
        const stream = canvas.captureStream(10);
        w.__tracks = stream.getTracks();
        return stream;
      };
      Object.defineProperty(navigator, 'mediaDevices', {
        configurable: true,
        value: { getUserMedia },
      });
    }, member.card_no);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await logIn(page, merchant.logins.cashier, PASSWORD);
      await page.waitForURL((url) => url.pathname === '/till');
      await page.getByTestId('camera-scan').first().click();
      await page.getByTestId('till-member-card').waitFor();
      await page
        .getByText(member.name ?? member.card_no)
        .first()
        .waitFor();
      // the modal closed and the camera stopped
      await expect.poll(() => page.getByTestId('camera-video').count()).toBe(0);
      const states = await page.evaluate(() =>
        (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.map((t) => t.readyState),
      );
      expect(states).toEqual(['ended']);

      // the coupon 核销 box has the same button; an unknown code is refused under the field
      await page.keyboard.press('F8');
      const redeem = page.getByTestId('till-coupon-redeem');
      await redeem.getByTestId('camera-scan').click();
      await redeem.getByRole('alert').waitFor();
      expect(await redeem.locator('input').inputValue()).toBe(member.card_no);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
