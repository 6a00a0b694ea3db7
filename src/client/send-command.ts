import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { mimeTypeFor } from '../domain/file-rules.js';
import { ApiClient, type StatusEntry, type UploadProgress } from './api-client.js';

// `efm send` and `efm status`: a command-line case system. The SBD comes from a file or is built from
// flags; files stream from disk with a progress bar for big ones; then the status timeline follows.
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export class CommandUsageError extends Error {}

/** Where `efm send` and `efm status` read the API password from unless told otherwise. */
export const API_PASSWORD_ENV = 'EFM_API_PASSWORD';

const DEFAULTS = {
  api: 'http://127.0.0.1:9093/api',
  process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
  standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
  passwordEnv: API_PASSWORD_ENV,
  pollMs: 1000,
  progressFromBytes: 1024 * 1024,
};
const FINISHING = new Set(['LEVERT', 'LEST', 'FEIL', 'LEVETID_UTLOPT']);

export const SEND_USAGE = `usage: efm send [--api URL] [--user NAME] [--password-env VAR]
                (--sbd FILE | --to RECEIVER [--process URN] [--standard URN] [--business JSON])
                [--wait SECONDS] FILE...
  The SBD's business message defaults to {"hoveddokument": <first file that is not arkivmelding.xml>}.
  The password is read from the environment variable VAR (default ${DEFAULTS.passwordEnv}).
       efm status [--api URL] [--user NAME] [--password-env VAR] MESSAGE_ID`;

function clientOf(values: { api?: string; user?: string; 'password-env'?: string }, env: CommandIo['env']): ApiClient {
  const passwordEnv = values['password-env'] ?? DEFAULTS.passwordEnv;
  const password = env[passwordEnv];
  if (values.user !== undefined && password === undefined) throw new CommandUsageError(`--user needs a password in $${passwordEnv}`);
  return new ApiClient({ baseUrl: values.api ?? DEFAULTS.api, username: values.user, password });
}

function buildSbd(o: { to: string; process: string; standard: string; business: Record<string, unknown> }): Record<string, unknown> {
  const type = o.standard.split('::').pop() ?? 'arkivmelding';
  const value = /^\d{9}$/.test(o.to) ? `0192:${o.to}` : o.to;
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value } }],
      documentIdentification: { standard: o.standard, typeVersion: '2.0', type },
      businessScope: { scope: [{ type: 'ConversationId', identifier: o.process }] },
    },
    [type]: o.business,
  };
}

function progressBar(io: CommandIo): (p: UploadProgress) => void {
  const started = Date.now();
  let last = 0;
  return (p) => {
    if (!io.stderr.isTTY || p.totalBytes < DEFAULTS.progressFromBytes) return;
    const now = Date.now();
    if (now - last < 100 && p.sentBytes < p.totalBytes) return;
    last = now;
    const share = p.totalBytes === 0 ? 1 : p.sentBytes / p.totalBytes;
    const width = 30;
    const filled = Math.round(share * width);
    const mbps = p.sentBytes / 1048576 / Math.max(0.001, (now - started) / 1000);
    io.stderr.write(`\r${p.filename} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${mbps.toFixed(1)} MB/s`);
    if (p.sentBytes >= p.totalBytes) io.stderr.write('\n');
  };
}

function printStatuses(io: CommandIo, statuses: StatusEntry[], seen: Set<number>): void {
  for (const s of statuses) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    io.stdout.write(`${s.lastUpdate}  ${s.status}${s.description ? `  ${s.description}` : ''}\n`);
  }
}

export async function runSendCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      api: { type: 'string' }, user: { type: 'string' }, 'password-env': { type: 'string' },
      sbd: { type: 'string' }, to: { type: 'string' }, process: { type: 'string' }, standard: { type: 'string' },
      business: { type: 'string' }, wait: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new CommandUsageError('name at least one file to send');
  const client = clientOf(values, io.env);
  let sbd: unknown;
  if (values.sbd !== undefined) {
    sbd = JSON.parse(await readFile(values.sbd, 'utf8'));
  } else {
    if (values.to === undefined) throw new CommandUsageError('give --sbd FILE or --to RECEIVER');
    const main = positionals.map((p) => basename(p)).find((n) => n !== 'arkivmelding.xml') ?? basename(positionals[0] ?? '');
    const business = values.business !== undefined ? (JSON.parse(values.business) as Record<string, unknown>) : { hoveddokument: main };
    sbd = buildSbd({ to: values.to, process: values.process ?? DEFAULTS.process, standard: values.standard ?? DEFAULTS.standard, business });
  }
  const created = await client.createMessage(sbd);
  const header = created.standardBusinessDocumentHeader as { documentIdentification: { instanceIdentifier: string } };
  const messageId = header.documentIdentification.instanceIdentifier;
  io.stdout.write(`messageId ${messageId}\n`);
  const onProgress = progressBar(io);
  for (const path of positionals) {
    await client.uploadFile(messageId, { path, mimetype: mimeTypeFor(basename(path)) }, onProgress);
  }
  await client.send(messageId);
  const waitSeconds = values.wait !== undefined ? Number(values.wait) : 0;
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new CommandUsageError('--wait takes a number of seconds');
  const seen = new Set<number>();
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const statuses = await client.statuses(messageId);
    printStatuses(io, statuses, seen);
    if (statuses.some((s) => FINISHING.has(s.status)) || Date.now() >= deadline) return statuses.some((s) => s.status === 'FEIL' || s.status === 'LEVETID_UTLOPT') ? 1 : 0;
    await new Promise((r) => setTimeout(r, DEFAULTS.pollMs));
  }
}

export async function runStatusCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { api: { type: 'string' }, user: { type: 'string' }, 'password-env': { type: 'string' } },
  });
  const messageId = positionals[0];
  if (messageId === undefined) throw new CommandUsageError('name the messageId');
  const statuses = await clientOf(values, io.env).statuses(messageId);
  if (statuses.length === 0) {
    io.stderr.write(`efm: no statuses for ${messageId}\n`);
    return 1;
  }
  printStatuses(io, statuses, new Set());
  return 0;
}
