import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { relocatedPath } from './db/embedded-placement.ts';

const freePort = () =>
  new Promise<number>((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });

it('npm start serves, and Ctrl-C shuts it down cleanly: exit 0, no error-level log line', async () => {
  const dataDir = resolve(`.tmp/start-${process.pid}`);
  const port = await freePort();
  // its own process group, as a terminal's Ctrl-C reaches every process of the foreground group
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      REGULARS_DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      REGULARS_DEMO: '0',
      DEMO: '0',
      LOG_LEVEL: 'info',
    },
  });
  let output = '';
  server.stdout.on('data', (c: Buffer) => (output += c));
  server.stderr.on('data', (c: Buffer) => (output += c));
  const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
  try {
    for (let i = 0; !output.includes('Regulars is running'); i++) {
      if (i > 1200 || server.exitCode !== null) throw new Error(`did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    process.kill(-server.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    const errors = output.split('\n').filter((l) => /"level":(50|60)/.test(l));
    expect(errors).toEqual([]);
    expect(output).toContain('shutting down');
    // the database is stopped after the app, not under it by the same Ctrl-C
    expect(output).not.toMatch(/database unavailable|stopped unexpectedly|terminating connection/);
  } finally {
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    // as root in a folder the postgres user cannot enter, the cluster was placed elsewhere
    rmSync(relocatedPath(join(dataDir, 'pg')), { recursive: true, force: true });
  }
}, 120_000);
