import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCentralLayer, type LayeredConfig } from './central-config/index.js';
import { ConfigError, describeSettings, loadConfig, PROFILES, type Profile } from './config/index.js';
import { startDaemon, type RunningDaemon } from './daemon.js';
import { EfmError } from './domain/errors.js';
import { createLogger, type Logger } from './logging/index.js';
import { systemClock } from './clock/index.js';
import { sandboxDaemonEnv, startSandboxNetwork } from './sandbox/index.js';

// The `efm` command line. Only this file, main.ts and daemon.ts touch process-wide things (argv, env,
// signals).
// Both src/cli.ts and the bundled dist/*.js sit one folder below the package root.
const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCHEMA_DIR = resolve(PACKAGE_ROOT, 'schemas');
const CONFIG_DIR = resolve(PACKAGE_ROOT, 'config');

const USAGE = `usage: efm <command> [options]

commands:
  start [--config FILE] [--profile sandbox|staging|production]
                      run the daemon; FILE is YAML (.yml/.yaml) or a reference .properties file
  sandbox [--data-dir DIR] [--port N]
                      start a local eFormidling network and a daemon for a demo organisation
  send [--api URL] [--user NAME] (--sbd FILE | --to RECEIVER …) [--wait S] FILE...
                      send a message through a running daemon's API and follow its statuses
  status MESSAGE_ID   print a message's status timeline
  supervise [--config FILE] [--profile P]
                      run the daemon as a child, restart it if it stops, keep it updated from the hub
  doctor [--config FILE] [--profile P] [--json]
                      check a deployment: config, keystore, clock, endpoints, disk, database
  settings            list every setting with its reference alias, environment variable and default
  cms encrypt|decrypt, asic pack|verify|open, keys generate|show
                      operator tools for opening stuck messages by hand (see 'efm cms --help' …)
  version             print the version
  help                this text`;

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** Only EFM_* variables are configuration; the rest of the environment is not looked at. */
function efmEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('EFM_')) out[k] = v;
  return { ...out, ...extra };
}

function parseProfile(value: string | undefined): Profile | undefined {
  if (value === undefined) return undefined;
  if (!(PROFILES as readonly string[]).includes(value)) throw new UsageError(`unknown profile '${value}'; expected one of ${PROFILES.join(', ')}`);
  return value as Profile;
}

class UsageError extends Error {}

/** Loads the configuration as `efm start` runs with it: local sources, then the central layer. */
async function loadOrExplain(profile: Profile | undefined, configFile: string | undefined, extraEnv?: Record<string, string>): Promise<LayeredConfig & { warnings: string[] }> {
  const local = loadConfig({ profile, configFile: configFile ? resolve(configFile) : undefined, env: efmEnv(extraEnv), configDir: CONFIG_DIR });
  const layered = await loadCentralLayer(local);
  return { ...layered, warnings: [...local.warnings, ...layered.warnings] };
}

async function runUntilSignal(daemons: RunningDaemon[], log: Logger, extra: () => Promise<void> = async () => undefined): Promise<void> {
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      Promise.all(daemons.map((d) => d.close())).then(extra).then(done, (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        done();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

async function commandStart(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, profile: { type: 'string' } }, strict: true });
  const { config, warnings, central } = await loadOrExplain(parseProfile(values.profile), values.config);
  const log = createLogger({ level: config.log.level });
  for (const w of warnings) log.warn({ setting: w }, 'configuration warning');
  const daemon = await startDaemon({ config, log, version: version(), schemaDir: SCHEMA_DIR, central });
  await runUntilSignal([daemon], log);
}

/** `efm supervise [--config FILE] [--profile P]`: run the daemon as a child and keep it current. */
async function commandSupervise(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, profile: { type: 'string' } }, strict: true });
  const { config, warnings } = await loadOrExplain(parseProfile(values.profile), values.config);
  const log = createLogger({ level: config.log.level });
  for (const w of warnings) log.warn({ setting: w }, 'configuration warning');
  const childArgs = ['start', ...(values.config ? ['--config', resolve(values.config)] : []), ...(values.profile ? ['--profile', values.profile] : [])];
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  const { runSupervisor } = await import('./update/index.js');
  return runSupervisor({ config, log, clock: systemClock, env: process.env, childArgs, signal: stop.signal });
}

async function commandDoctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const { runDoctor, formatDoctorReport } = await import('./doctor/index.js');
  const profile = parseProfile(values.profile);
  const report = await runDoctor({ clock: systemClock, loadConfig: () => loadOrExplain(profile, values.config) });
  const text = formatDoctorReport(report, { json: values.json ?? false });
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return report.ok ? 0 : 1;
}

async function commandSandbox(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, port: { type: 'string' } }, strict: true });
  const dataDir = resolve(values['data-dir'] ?? './data/sandbox');
  const firstPort = values.port === undefined ? 9093 : Number(values.port);
  if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65534) throw new UsageError(`--port takes a TCP port, got '${values.port}'`);
  const network = await startSandboxNetwork({ dataDir, clock: systemClock, dpiSchemaDir: resolve(SCHEMA_DIR, 'dpi-json') });
  const root = createLogger({ level: 'info' });
  const daemons: RunningDaemon[] = [];
  try {
    // One daemon per demo organisation, on consecutive ports (0 stays 0: each picks a free one).
    for (const [i, org] of network.organisations.entries()) {
      const port = firstPort === 0 ? 0 : firstPort + i;
      const { config, warnings, central } = await loadOrExplain('sandbox', undefined, sandboxDaemonEnv(network, org, { dataDir, port }));
      const log = root.child({ organisation: org.orgnr });
      for (const w of warnings) log.warn({ setting: w }, 'configuration warning');
      const daemon = await startDaemon({ config, log, version: version(), schemaDir: SCHEMA_DIR, central });
      daemons.push(daemon);
      log.info({ api: `${daemon.url}/api`, organisation: org.orgnr, name: org.name, user: config.api.auth.username }, 'sandbox daemon ready');
    }
  } catch (err) {
    await Promise.all(daemons.map((d) => d.close()));
    await network.close();
    throw err;
  }
  root.info({ registry: network.registryUrl, broker: network.brokerUrl }, 'sandbox ready: the API user and its demo password are in config/sandbox.yml');
  await runUntilSignal(daemons, root, () => network.close());
}

function commandSettings(): void {
  for (const s of describeSettings()) {
    const aliases = s.aliases.length > 0 ? ` (${s.aliases.join(', ')})` : '';
    const dflt = s.default === undefined ? '' : ` = ${JSON.stringify(s.default)}`;
    console.log(`${s.key}${aliases}\n    ${s.env}  ${s.type}${dflt}\n    ${s.description}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await commandStart(rest);
      return 0;
    case 'sandbox':
      await commandSandbox(rest);
      return 0;
    case 'settings':
      commandSettings();
      return 0;
    case 'doctor':
      return commandDoctor(rest);
    case 'supervise':
      return commandSupervise(rest);
    case 'send':
    case 'status': {
      const client = await import('./client/index.js');
      const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
      try {
        return await (command === 'send' ? client.runSendCommand(rest, io) : client.runStatusCommand(rest, io));
      } catch (err) {
        if (err instanceof client.CommandUsageError) throw new UsageError(`${err.message}\n${client.SEND_USAGE}`);
        if (err instanceof client.ApiError || err instanceof SyntaxError) {
          console.error(`efm: ${err.message}`);
          return 1;
        }
        throw err;
      }
    }
    case 'cms':
    case 'asic':
    case 'keys': {
      // Loaded only for these commands: the daemon itself never needs the command-line crypto tools.
      const { runCryptoCommand } = await import('./crypto/cli.js');
      return runCryptoCommand(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
    }
    case 'version':
    case '--version':
      console.log(version());
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  if (err instanceof ConfigError) {
    console.error('efm: the configuration is invalid:');
    for (const p of err.problems) console.error(`  - ${p.key}: ${p.message} (from ${p.source})`);
    process.exitCode = 2;
  } else if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`efm: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof EfmError) {
    console.error(`efm: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error('efm: failed to start:', err);
    process.exitCode = 1;
  }
});
