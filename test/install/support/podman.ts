import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { cp, link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Podman for the install tests, as CI runs it: rootful, with the runc runtime, and with a
// containers.conf of the test's own that sets `default_ulimits = []` (the machine's hard open-files
// limit is below podman's default ulimit, and runc refuses to start a container that asks for more).
//
// CI reaches no image registry, so the base image is made here: a minimal Debian of the machine's own
// release from Debian's packages (debootstrap), plus the Node runtime that runs the tests (its binary,
// npm, its headers for native modules and its global npmrc) and the machine's CA bundle, so npm inside
// a build trusts what npm on the machine trusts. The image's tag is a hash of all of that, so it is
// made once per machine and reused by later runs (CI runs on the submitting session's machine).

export const ROOT = resolve(import.meta.dirname, '../../..');
/** Bump when the recipe below changes, so machines that have the old image make a new one. */
const RECIPE = 'efm-test-base/1';
const BASE_REPOSITORY = 'localhost/efm-test-base';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const PATH_IN_IMAGE = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const LOCK_WAIT_MS = 20 * 60_000;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never throws on a non-zero exit (the caller decides). */
export function runCommand(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((done, fail) => {
    execFile(file, [...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        fail(error);
        return;
      }
      done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

/** The tool's path on PATH or in the sbin directories (debootstrap lives in /usr/sbin). */
function which(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter((d) => d.length > 0);
  return dirs.map((d) => join(d, tool)).find((path) => existsSync(path));
}

/** Why the install tests cannot run on this machine, or undefined when they can. */
export function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'the install tests run as root (rootful podman, debootstrap)';
  for (const tool of ['podman', 'runc', 'debootstrap', 'systemd-analyze']) {
    if (which(tool) === undefined) return `${tool} is not installed (.ci/run installs it)`;
  }
  return undefined;
}

export class Podman {
  private constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Writes the containers.conf these tests use into `dir`. */
  static async create(dir: string): Promise<Podman> {
    const conf = join(dir, 'containers.conf');
    await writeFile(conf, '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n');
    return new Podman({ ...process.env, CONTAINERS_CONF: conf });
  }

  run(args: readonly string[]): Promise<CommandResult> {
    return runCommand('podman', args, this.env);
  }

  /** Runs podman and returns its stdout; throws with podman's output when it fails. */
  async ok(args: readonly string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Runs podman with its stdin fed from another command's stdout (tar … | podman import -). */
  piped(from: { file: string; args: readonly string[] }, args: readonly string[]): Promise<void> {
    return new Promise((done, fail) => {
      const producer = spawn(from.file, [...from.args], { stdio: ['ignore', 'pipe', 'inherit'] });
      const consumer = spawn('podman', [...args], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const output: string[] = [];
      consumer.stdout.on('data', (d: Buffer) => output.push(d.toString('utf8')));
      consumer.stderr.on('data', (d: Buffer) => output.push(d.toString('utf8')));
      producer.stdout.pipe(consumer.stdin);
      let producerCode: number | null = null;
      producer.on('error', fail);
      consumer.on('error', fail);
      producer.on('exit', (code) => { producerCode = code; });
      consumer.on('close', (code) => {
        if (code === 0 && producerCode === 0) done();
        else fail(new Error(`${from.file} | podman ${args.join(' ')} failed (${producerCode}, ${code}):\n${output.join('')}`));
      });
    });
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The machine's Debian release (bookworm on this machine kind). */
async function hostCodename(): Promise<string> {
  const osRelease = await readFile('/etc/os-release', 'utf8');
  const m = /^VERSION_CODENAME=(\S+)$/m.exec(osRelease);
  if (!m?.[1]) throw new Error('/etc/os-release names no VERSION_CODENAME');
  return m[1].replace(/"/g, '');
}

/**
 * The Debian mirror the machine's apt uses for its release, so debootstrap fetches from where apt
 * does; undefined leaves debootstrap's own default.
 */
async function hostMirror(codename: string): Promise<string | undefined> {
  const files = ['/etc/apt/sources.list'];
  const partsDir = '/etc/apt/sources.list.d';
  if (existsSync(partsDir)) files.push(...(await readdir(partsDir)).filter((f) => /\.(list|sources)$/.test(f)).map((f) => join(partsDir, f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    // One-line format: deb [options] URI SUITE COMPONENTS
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim());
      if (m?.[1] && m[2] === codename) return m[1];
    }
    // deb822 format: stanzas with Types, URIs and Suites.
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (field('Types').includes('deb') && field('Suites').includes(codename)) {
        const uri = field('URIs')[0];
        if (uri) return uri;
      }
    }
  }
  return undefined;
}

interface NodeRuntime {
  /** <prefix>/bin/node is the running Node. */
  prefix: string;
  binary: string;
  npmDir: string;
  headersDir: string;
  npmrc: string | undefined;
}

function hostNodeRuntime(): NodeRuntime {
  const prefix = resolve(process.execPath, '../..');
  const runtime = {
    prefix,
    binary: process.execPath,
    npmDir: join(prefix, 'lib/node_modules/npm'),
    headersDir: join(prefix, 'include/node'),
    npmrc: existsSync(join(prefix, 'etc/npmrc')) ? join(prefix, 'etc/npmrc') : undefined,
  };
  for (const path of [runtime.npmDir, runtime.headersDir]) {
    if (!existsSync(path)) throw new Error(`the Node runtime at ${prefix} has no ${path}`);
  }
  return runtime;
}

function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}

/** Waits for an exclusive lock file (both install test files may want the base image at once). */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    // Written aside and linked into place, so the lock never exists without its holder's pid.
    const mine = `${path}.${process.pid}`;
    await writeFile(mine, String(process.pid));
    try {
      await link(mine, path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (!isAlive(holder)) await rm(path, { force: true });
      else if (Date.now() > end) throw new Error(`${path} is held by process ${holder}`, { cause: error });
      else await new Promise((r) => setTimeout(r, 500));
    } finally {
      await rm(mine, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

export interface BaseImage {
  tag: string;
  /** True when this call made it; false when an earlier run had. */
  made: boolean;
  /** Where the running Node lives, the same path inside the image. */
  nodeBinary: string;
}

/** The offline base image (see the top of this file), made when this machine does not have it yet. */
export async function ensureBaseImage(podman: Podman): Promise<BaseImage> {
  const codename = await hostCodename();
  const mirror = await hostMirror(codename);
  const node = hostNodeRuntime();
  const npmVersion = (JSON.parse(await readFile(join(node.npmDir, 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256');
  key.update([RECIPE, codename, mirror ?? '', node.binary, await sha256File(node.binary), npmVersion, await sha256File(CA_BUNDLE)].join('\n'));
  if (node.npmrc) key.update(await readFile(node.npmrc));
  const tag = `${BASE_REPOSITORY}:${key.digest('hex').slice(0, 16)}`;
  const exists = async () => (await podman.run(['image', 'exists', tag])).code === 0;

  return withLock(join(tmpdir(), 'efm-test-base.lock'), async () => {
    if (await exists()) return { tag, made: false, nodeBinary: node.binary };
    const work = await mkdtemp(join(tmpdir(), 'efm-rootfs-'));
    try {
      const rootfs = join(work, 'rootfs');
      const args = ['--variant=minbase', codename, rootfs, ...(mirror ? [mirror] : [])];
      const boot = await runCommand(which('debootstrap') ?? 'debootstrap', args);
      if (boot.code !== 0) throw new Error(`debootstrap ${args.join(' ')} exited ${boot.code}:\n${boot.stdout.slice(-4000)}\n${boot.stderr}`);
      const inRoot = (path: string) => join(rootfs, path);
      await mkdir(dirname(inRoot(node.binary)), { recursive: true });
      await cp(node.binary, inRoot(node.binary), { preserveTimestamps: true });
      await cp(node.npmDir, inRoot(node.npmDir), { recursive: true, verbatimSymlinks: true });
      await cp(node.headersDir, inRoot(node.headersDir), { recursive: true, verbatimSymlinks: true });
      if (node.npmrc) {
        await mkdir(dirname(inRoot(node.npmrc)), { recursive: true });
        await cp(node.npmrc, inRoot(node.npmrc));
      }
      for (const [name, target] of [['npm', 'npm-cli.js'], ['npx', 'npx-cli.js']] as const) {
        const link = inRoot(join(node.prefix, 'bin', name));
        await rm(link, { force: true });
        await symlink(`../lib/node_modules/npm/bin/${target}`, link);
      }
      await mkdir(dirname(inRoot(CA_BUNDLE)), { recursive: true });
      await cp(CA_BUNDLE, inRoot(CA_BUNDLE));
      await podman.piped({ file: 'tar', args: ['-C', rootfs, '-cf', '-', '.'] }, [
        'import', '--change', `ENV PATH=${PATH_IN_IMAGE}`, '--change', `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`, '-', tag,
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    if (!(await exists())) throw new Error(`podman import made no ${tag}`);
    return { tag, made: true, nodeBinary: node.binary };
  });
}
