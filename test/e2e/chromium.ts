import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LaunchOptions } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const NOTO_SANS_SC = resolve('node_modules/@expo-google-fonts/noto-sans-sc');
const FONTCONFIG_DIR = resolve('.tmp/fontconfig');

/**
 * Where the browser tests' Chromium is: CHROMIUM_PATH, else the system's, else the one shipped
 * inside the @sparticuz/chromium npm package (unpacked to the temp directory on first use, so a
 * machine with only Node and npm runs the browser tests). The global setup calls this once
 * before any test file, so parallel files never unpack it at the same time.
 */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const { default: packaged, inflate } = await import('@sparticuz/chromium');
  const executable = await packaged.executablePath();
  // the NSS and expat libraries it needs, so that not even those must come from the system
  await inflate(resolve('node_modules/@sparticuz/chromium/bin/al2023.tar.br'));
  return executable;
}

/** The packaged Chromium's own libraries (unpacked beside it), ahead of the system's. */
function libraryPath(executable: string): string | undefined {
  if (executable !== join(tmpdir(), 'chromium')) return process.env.LD_LIBRARY_PATH;
  return [join(tmpdir(), 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export async function chromiumLaunchOptions(): Promise<LaunchOptions> {
  const executablePath = await chromiumExecutable();
  const ldLibraryPath = libraryPath(executablePath);
  return {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    env: {
      ...process.env,
      FONTCONFIG_FILE: fontconfigFile(),
      ...(ldLibraryPath ? { LD_LIBRARY_PATH: ldLibraryPath } : {}),
    },
  };
}

/**
 * A fontconfig of the project's own: the system's fonts when there are any, plus Noto Sans SC
 * from npm (so screenshots show Chinese without a system CJK font) and the Latin fonts
 * @sparticuz/chromium unpacks.
 */
function fontconfigFile(): string {
  const file = join(FONTCONFIG_DIR, 'fonts.conf');
  mkdirSync(FONTCONFIG_DIR, { recursive: true });
  // written aside and renamed: parallel test files never see a half-written file
  const aside = `${file}.${process.pid}`;
  writeFileSync(
    aside,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${join(NOTO_SANS_SC, '400Regular')}</dir>
  <dir>${join(NOTO_SANS_SC, '500Medium')}</dir>
  <dir>${join(NOTO_SANS_SC, '700Bold')}</dir>
  <dir>${join(tmpdir(), 'fonts', 'fonts')}</dir>
  <cachedir>${join(FONTCONFIG_DIR, 'cache')}</cachedir>
</fontconfig>
`,
  );
  renameSync(aside, file);
  return file;
}
