import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  seedDemo: boolean;
  sessionHours: number;
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

/** Reads and validates the environment once; a bad value stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.REGULARS_DATA_DIR ?? 'data');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    logLevel,
    secret: secretFrom(env, dataDir),
    uploadLimitBytes: int(env, 'UPLOAD_LIMIT_MB', 200, 1, 10_000) * 1024 * 1024,
    seedDemo: env.REGULARS_DEMO !== '0',
    sessionHours: int(env, 'SESSION_HOURS', 12, 1, 24 * 30),
  };
}
