import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { randomToken } from './lib/ids.ts';

export interface Config {
  host: string;
  port: number;
  /** Any PostgreSQL 15–18; when absent the embedded server runs with data under `dataDir/pg`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  logLevel: string;
  /** Signs dynamic member codes; generated once into the data directory when not given. */
  secret: string;
  uploadLimitBytes: number;
  /** Seed the demo merchant (known password) into an empty database: see `demoWanted`. */
  seedDemo: boolean;
  sessionHours: number;
  /** A session unused this long ends, whatever its age. */
  sessionIdleMinutes: number;
  /**
   * Proxies whose `X-Forwarded-For` is believed (addresses, CIDR ranges, or `loopback`,
   * `linklocal`, `uniquelocal`); empty = none, the client is the socket's peer.
   */
  trustProxy: string[];
  /**
   * The member page's development payment provider (a button completes a recharge): on with
   * DEV_PAYMENTS=1 or in the demo; never on a real deployment.
   */
  devPayments?: boolean;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function secretFrom(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.REGULARS_SECRET) {
    if (env.REGULARS_SECRET.length < 32) throw new Error('REGULARS_SECRET must be 32+ characters');
    return env.REGULARS_SECRET;
  }
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomToken(48), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function trustedProxies(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const validBits =
      bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!NAMED_RANGES.includes(entry) && (!family || !validBits || extra !== undefined)) {
      throw new Error(
        `TRUST_PROXY must list proxy addresses or ranges (e.g. 10.0.0.5,192.168.0.0/16 or loopback), got "${entry}"`,
      );
    }
  }
  return entries;
}

export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The demo merchant has a published password, so it is seeded on its own only where nobody else
 * can reach it: a loopback address without a proxy in front. `DEMO=1` asks for it anywhere,
 * `DEMO=0` never.
 */
function demoWanted(env: NodeJS.ProcessEnv, host: string, proxies: string[]): boolean {
  if (env.DEMO === '1') return true;
  if (env.DEMO === '0') return false;
  if (env.DEMO) throw new Error(`DEMO must be 0 or 1, got "${env.DEMO}"`);
  return isLoopbackHost(host) && proxies.length === 0;
}

/** Reads and validates the environment once; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.REGULARS_DATA_DIR ?? 'data');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  const host = env.HOST ?? '127.0.0.1';
  const trustProxy = trustedProxies(env.TRUST_PROXY);
  return {
    host,
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    logLevel,
    secret: secretFrom(env, dataDir),
    uploadLimitBytes: int(env, 'UPLOAD_LIMIT_MB', 200, 1, 10_000) * 1024 * 1024,
    seedDemo: demoWanted(env, host, trustProxy),
    devPayments: env.DEV_PAYMENTS === '1' || demoWanted(env, host, trustProxy),
    sessionHours: int(env, 'SESSION_HOURS', 12, 1, 24 * 30),
    sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', 60, 5, 24 * 60 * 30),
    trustProxy,
  };
}
