import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { generateSelfSignedKeystore } from '../../src/crypto/index.js';
import { randomId } from '../../src/ids/index.js';
import { ensureBaseImage, missingPrerequisite, Podman, ROOT, runCommand, type CommandResult } from './support/podman.js';
import { untilDeadline } from './support/deadline.js';

// install/install.sh and install/efm.service, as the README describes them. The script runs as root
// inside a container of the offline Debian base image (test/install/support/podman.ts) with no network,
// the built checkout mounted read-only at /src. systemd does not run there, so the script is expected to
// say so and leave the unit unloaded; one test puts a stub systemctl on PATH and a /run/systemd/system
// directory in place to see that it reloads systemd where systemd runs. The unit it installed is checked
// with the machine's `systemd-analyze verify`, and the installed daemon is started the way the unit
// starts it (as efm, in /var/lib/efm, with /etc/efm/efm.env) and must answer health.
//
// Without podman or root it is skipped, except in CI (CI=true), where .ci/run installs what it needs.

const SETUP_TIMEOUT_MS = 40 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;
const PORT_IN_CONTAINER = 8093;
const ORG = '910077473';
const KEYSTORE_PASSWORD = 'install-test-secret';

const missing = missingPrerequisite();
const inCi = process.env.CI === 'true';

let dir: string;
let podman: Podman;
let nodeBinary: string;
let keystoreSha: string;
const name = `efm-install-${randomId().slice(0, 12).toLowerCase()}`;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A shell script run as root in the container. */
function sh(script: string): Promise<CommandResult> {
  return podman.run(['exec', name, 'sh', '-c', script]);
}

async function shOk(script: string): Promise<string> {
  const r = await sh(script);
  if (r.code !== 0) throw new Error(`${script}\nexited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

const statOf = (path: string) => shOk(`stat -c '%U:%G %a' ${path}`);

function verifyUnit(path: string): Promise<CommandResult> {
  return runCommand('systemd-analyze', ['verify', path]);
}

describe.skipIf(missing !== undefined && !inCi)('the systemd install: install/install.sh and install/efm.service', () => {
  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`the install test cannot run: ${missing}`);
    if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('dist/main.js is missing: run npm run build (npm test does)');
    dir = await mkdtemp(join(tmpdir(), 'efm-install-'));
    podman = await Podman.create(dir);
    const base = await ensureBaseImage(podman);
    nodeBinary = base.nodeBinary;

    const keys = join(dir, 'keys');
    await mkdir(keys);
    const keystore = await generateSelfSignedKeystore({
      orgNumber: ORG, out: join(keys, 'own.p12'), clock: systemClock, validDays: 365, password: KEYSTORE_PASSWORD,
    });
    keystoreSha = sha256(keystore.pkcs12);

    await podman.ok(['run', '--detach', '--name', name, '--network', 'none',
      '--volume', `${ROOT}:/src:ro`, '--volume', `${keys}:/keys:ro`, base.tag, 'sleep', 'infinity']);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (podman) await podman.run(['rm', '--force', '--time', '0', name]);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, STEP_TIMEOUT_MS);

  it('creates the user, directories and permissions, places the keystore and the unit, and says systemd is not running', async () => {
    const run = await sh('/src/install/install.sh /keys/own.p12');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('keystore placed at /etc/efm/keystore.p12');
    expect(run.stdout).toContain('systemd is not running here');

    const [, , uid, , , home, shell] = (await shOk('getent passwd efm')).split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(uid)).toBeLessThan(1000);
    expect([home, shell]).toEqual(['/var/lib/efm', '/usr/sbin/nologin']);
    expect(await statOf('/var/lib/efm')).toBe('efm:efm 750');
    expect(await statOf('/etc/efm')).toBe('root:efm 750');
    expect(await statOf('/etc/efm/keystore.p12')).toBe('root:efm 640');
    expect((await shOk('sha256sum /etc/efm/keystore.p12')).split(' ')[0]).toBe(keystoreSha);
    expect(await statOf('/etc/efm/efm.properties')).toBe('root:efm 640');
    expect(await statOf('/etc/efm/efm.env')).toBe('root:root 600');
    // The daemon cannot change its own code: all of /opt/efm is root's and writable by no one else.
    expect(await shOk('test -f /opt/efm/dist/main.js && echo yes')).toBe('yes');
    expect(await shOk('find /opt/efm ! -user root -o ! -group root -o ! -type l -perm /022')).toBe('');
    expect(await statOf('/etc/systemd/system/efm.service')).toBe('root:root 644');

    // The efm user reads its keystore but not the secrets file, which only systemd (root) reads.
    expect((await sh('runuser -u efm -- cat /etc/efm/keystore.p12 >/dev/null')).code).toBe(0);
    expect((await sh('runuser -u efm -- cat /etc/efm/efm.env')).code).not.toBe(0);

    // Production packages only; the native sqlite3 built in the checkout came along.
    expect(await shOk('test -d /opt/efm/node_modules/sqlite3 && echo yes')).toBe('yes');
    expect((await sh('test -e /opt/efm/node_modules/vitest')).code).not.toBe(0);
  }, STEP_TIMEOUT_MS);

  it('installs a unit that passes systemd-analyze verify, with ExecStart naming the node it found', async () => {
    const unit = join(dir, 'efm.service');
    await podman.ok(['cp', `${name}:/etc/systemd/system/efm.service`, unit]);
    const text = await readFile(unit, 'utf8');
    expect(text).toContain(`\nExecStart=${nodeBinary} /opt/efm/dist/main.js start --config /etc/efm/efm.properties\n`);

    const verified = await verifyUnit(unit);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout + verified.stderr).toBe('');

    // The check can fail: the same unit with a node that does not exist, and with a misspelt key.
    const broken = join(dir, 'broken', 'efm.service');
    await mkdir(join(dir, 'broken'));
    await writeFile(broken, text.replace(`ExecStart=${nodeBinary} `, 'ExecStart=/nonexistent/node '));
    const refused = await verifyUnit(broken);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('/nonexistent/node');
    await writeFile(broken, text.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes'));
    expect((await verifyUnit(broken)).stderr).toContain('NoNewPrivilege');
  }, STEP_TIMEOUT_MS);

  it('gives a daemon that starts as efm the way the unit starts it, answers health, and stops on SIGTERM', async () => {
    await shOk([
      `printf '%s\\n' 'server.port=${PORT_IN_CONTAINER}' 'difi.move.org.number=${ORG}'`,
      ` 'difi.move.org.keystore.path=/etc/efm/keystore.p12' 'difi.move.org.keystore.alias=${ORG}'`,
      ` 'spring.security.user.name=install-test' > /etc/efm/efm.properties`,
      ` && printf '%s\\n' 'EFM_ORG_KEYSTORE_PASSWORD=${KEYSTORE_PASSWORD}' 'EFM_API_AUTH_PASSWORD=install-test-password' > /etc/efm/efm.env`,
    ].join(''));
    // As efm.service: EnvironmentFile, WorkingDirectory, Environment, User and ExecStart.
    const unit = await shOk('cat /etc/systemd/system/efm.service');
    const execStart = /^ExecStart=(.+)$/m.exec(unit)?.[1];
    if (execStart === undefined) throw new Error('the unit has no ExecStart');
    await podman.ok(['exec', '--detach', name, 'sh', '-c',
      `set -a; . /etc/efm/efm.env; set +a; cd /var/lib/efm && exec runuser -u efm -- env NODE_ENV=production EFM_DATA_DIR=/var/lib/efm ${execStart} >/tmp/efm.log 2>&1`]);

    const health = `node -e "fetch('http://127.0.0.1:${PORT_IN_CONTAINER}/manage/health').then(r => r.json()).then(b => console.log(b.status), () => console.log('DOWN'))"`;
    try {
      await untilDeadline(60_000, async () => (await shOk(health)) === 'UP');
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- daemon log ---\n${(await sh('cat /tmp/efm.log')).stdout}`, { cause: error });
    }

    const pid = await shOk(`for d in /proc/[0-9]*; do if tr '\\0' ' ' < $d/cmdline 2>/dev/null | grep -q '^${nodeBinary} /opt/efm/dist/main.js start'; then echo \${d#/proc/}; fi; done`);
    expect(pid).toMatch(/^\d+$/);
    expect(await shOk(`stat -c %U /proc/${pid}`)).toBe('efm');
    expect(await shOk('find /var/lib/efm -mindepth 1 | wc -l')).not.toBe('0');
    expect(await shOk('find /var/lib/efm ! -user efm')).toBe('');

    await shOk(`kill -TERM ${pid}`);
    await untilDeadline(60_000, async () => (await sh(`test -d /proc/${pid}`)).code !== 0);
    expect(await shOk('cat /tmp/efm.log')).toContain('daemon stopped');
  }, STEP_TIMEOUT_MS);

  it('upgrades when run again: /opt/efm is replaced, /etc/efm and /var/lib/efm are kept', async () => {
    await shOk('touch /opt/efm/left-by-an-older-version');
    const kept = 'sha256sum /etc/efm/efm.properties /etc/efm/efm.env /etc/efm/keystore.p12 && find /var/lib/efm | sort';
    const before = await shOk(kept);

    const run = await sh('/src/install/install.sh');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((await sh('test -e /opt/efm/left-by-an-older-version')).code).not.toBe(0);
    expect(await shOk('test -f /opt/efm/dist/main.js && echo yes')).toBe('yes');
    expect(await shOk(kept)).toBe(before);
  }, STEP_TIMEOUT_MS);

  it('reloads systemd where systemd runs (a stub systemctl records the call)', async () => {
    await shOk([
      'mkdir -p /run/systemd/system',
      `printf '#!/bin/sh\\necho "$*" >> /tmp/systemctl.calls\\n' > /usr/local/bin/systemctl`,
      'chmod 0755 /usr/local/bin/systemctl',
    ].join(' && '));
    try {
      const run = await sh('/src/install/install.sh');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('systemctl enable --now efm');
      expect(await shOk('cat /tmp/systemctl.calls')).toBe('daemon-reload');
    } finally {
      await sh('rm -rf /run/systemd/system /usr/local/bin/systemctl');
    }
  }, STEP_TIMEOUT_MS);
});
