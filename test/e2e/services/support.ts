import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import yauzl from 'yauzl';
import { systemClock } from '../../../src/clock/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { createLogger } from '../../../src/logging/index.js';
import { sandboxDaemonEnv, startSandboxNetwork, type SandboxNetwork, type SandboxOrganisation } from '../../../src/sandbox/index.js';

// The sandbox as `efm sandbox` runs it — every fake, and a daemon for each demo organisation configured
// from config/sandbox.yml and the sandbox's EFM_* variables — in the test process, with scheduling off:
// polls and status polls run when a test asks through POST /manage/jobs/{name}/run, so each step is
// deterministic; the outbox sends on its own, as it always does. Case systems talk to the daemons over
// the HTTP API only.

const CONFIG_DIR = resolve(import.meta.dirname, '../../../config');
const SCHEMA_DIR = resolve(import.meta.dirname, '../../../schemas');
/** The demo-only API user of config/sandbox.yml. */
const AUTHORIZATION = `Basic ${Buffer.from('efm:efm-sandbox').toString('base64')}`;
const WAIT = { timeoutMs: 15_000, pauseMs: 50 };

export const SENDER = '910077473';
export const RECEIVER = '910075918';

export interface Document {
  filename: string;
  mimetype: string;
  content: Buffer;
  title?: string;
}

export interface StatusRow {
  status: string;
  description?: string;
}

/** A case system's view of one daemon: its API and its jobs. */
export interface SandboxDaemon {
  organisation: SandboxOrganisation;
  daemon: RunningDaemon;
  /** Warn-and-above log lines, shown when a test fails. */
  logLines: string[];
  /** Creates, uploads and sends a message; resolves to its messageId. */
  send(sbd: Record<string, unknown>, documents: readonly Document[]): Promise<string>;
  statuses(messageId: string): Promise<StatusRow[]>;
  /** Runs a job to its end (CONTRACT.md §5). */
  runJob(name: string): Promise<void>;
  /** The incoming message at the head of the queue (locked for us), or undefined. */
  peek(serviceIdentifier: string): Promise<Record<string, unknown> | undefined>;
  /** The decrypted ASiC-E of a peeked message. */
  pop(messageId: string): Promise<Buffer>;
  remove(messageId: string): Promise<void>;
}

export interface ServiceSandbox {
  network: SandboxNetwork;
  sender: SandboxDaemon;
  receiver: SandboxDaemon;
  close(): Promise<void>;
}

export async function startServiceSandbox(): Promise<ServiceSandbox> {
  const dataDir = await mkdtemp(join(tmpdir(), 'efm-e2e-services-'));
  const network = await startSandboxNetwork({ dataDir, clock: systemClock, dpiSchemaDir: join(SCHEMA_DIR, 'dpi-json') });
  const daemons: SandboxDaemon[] = [];
  try {
    for (const organisation of network.organisations) daemons.push(await startSandboxDaemon(network, organisation, dataDir));
  } catch (error) {
    await Promise.all(daemons.map((d) => d.daemon.close()));
    await network.close();
    throw error;
  }
  const byOrgnr = (orgnr: string): SandboxDaemon => {
    const found = daemons.find((d) => d.organisation.orgnr === orgnr);
    if (found === undefined) throw new Error(`the sandbox runs no daemon for ${orgnr}`);
    return found;
  };
  return {
    network,
    sender: byOrgnr(SENDER),
    receiver: byOrgnr(RECEIVER),
    async close() {
      await Promise.all(daemons.map((d) => d.daemon.close()));
      await network.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startSandboxDaemon(network: SandboxNetwork, organisation: SandboxOrganisation, dataDir: string): Promise<SandboxDaemon> {
  const env = { ...sandboxDaemonEnv(network, organisation, { dataDir, port: 0 }), EFM_SCHEDULING_ENABLED: 'false' };
  const { config } = loadConfig({ profile: 'sandbox', env, configDir: CONFIG_DIR });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const daemon = await startDaemon({
    config, log: createLogger({ level: 'warn', destination }), version: '0.0.0-e2e', schemaDir: SCHEMA_DIR, host: '127.0.0.1',
  });
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${daemon.url}${path}`, { ...init, headers: { authorization: AUTHORIZATION, ...init.headers } });
    if (response.status >= 400) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}\n${logLines.join('\n')}`);
    return response;
  };
  return {
    organisation, daemon, logLines,
    async send(sbd, documents) {
      const created = await (await call('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) })).json() as SbdAnswer;
      const messageId = created.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      for (const d of documents) {
        await call(`/api/messages/out/${messageId}`, {
          method: 'PUT', body: d.content,
          headers: { 'content-type': d.mimetype, 'content-disposition': `attachment; name="${d.title ?? d.filename}"; filename="${d.filename}"` },
        });
      }
      await call(`/api/messages/out/${messageId}`, { method: 'POST' });
      return messageId;
    },
    async statuses(messageId) {
      const page = await (await call(`/api/statuses?messageId=${messageId}&size=2000`)).json() as { content: StatusRow[] };
      return page.content.map((s) => ({ status: s.status, ...(s.description === undefined ? {} : { description: s.description }) }));
    },
    async runJob(name) {
      await call(`/manage/jobs/${name}/run`, { method: 'POST' });
    },
    async peek(serviceIdentifier) {
      const response = await call(`/api/messages/in/peek?serviceIdentifier=${serviceIdentifier}`);
      return response.status === 204 ? undefined : await response.json() as Record<string, unknown>;
    },
    async pop(messageId) {
      return Buffer.from(await (await call(`/api/messages/in/pop/${messageId}`)).arrayBuffer());
    },
    async remove(messageId) {
      await call(`/api/messages/in/${messageId}`, { method: 'DELETE' });
    },
  };
}

interface SbdAnswer {
  standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } };
}

/** Asks until `probe` gives a value (not undefined); each round may run a job first, as a scheduler would. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = WAIT.timeoutMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((done) => setTimeout(done, WAIT.pauseMs));
  }
}

/** Waits until the message has the status, running `job` between looks when one is named. */
export async function untilStatus(daemon: SandboxDaemon, messageId: string, status: string, job?: string, timeoutMs?: number): Promise<StatusRow[]> {
  return eventually(async () => {
    if (job !== undefined) await daemon.runJob(job);
    const rows = await daemon.statuses(messageId);
    return rows.some((r) => r.status === status) ? rows : undefined;
  }, `${status} of ${messageId}${job === undefined ? '' : ` (running ${job})`}`, timeoutMs);
}

export function statusNames(rows: readonly StatusRow[]): string[] {
  return rows.map((r) => r.status);
}

/** An SBD as a case system writes it: no ids, the daemon fills them in. */
export function sbd(o: { receiver: string; process: string; standard: string; business: Record<string, unknown>; sender?: string; authority?: string }): Record<string, unknown> {
  const type = o.standard.split('::').pop() ?? '';
  const authority = o.authority ?? 'iso6523-actorid-upis';
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      ...(o.sender === undefined ? {} : { sender: [{ identifier: { authority, value: o.sender } }] }),
      receiver: [{ identifier: { authority, value: o.receiver } }],
      documentIdentification: { standard: o.standard, typeVersion: '2.0', type },
      businessScope: { scope: [{ type: 'ConversationId', identifier: o.process }] },
    },
    [type]: o.business,
  };
}

export const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% sandbox\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);

/** arkivmelding.xml with one journalpost whose documents refer to `files`. */
export function arkivmeldingXml(tittel: string, files: readonly string[]): string {
  const documents = files.map((f, i) => `
      <dokumentbeskrivelse>
        <dokumenttype>Brev</dokumenttype><dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus><tittel>${f}</tittel>
        <tilknyttetRegistreringSom>${i === 0 ? 'Hoveddokument' : 'Vedlegg'}</tilknyttetRegistreringSom><dokumentnummer>${i + 1}</dokumentnummer>
        <dokumentobjekt><versjonsnummer>1</versjonsnummer><variantformat>Produksjonsformat</variantformat><referanseDokumentfil>${f}</referanseDokumentfil></dokumentobjekt>
      </dokumentbeskrivelse>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Sandbox</system><meldingId>sandbox</meldingId><tidspunkt>2026-01-01T12:00:00</tidspunkt><antallFiler>${files.length}</antallFiler>
  <mappe xsi:type="saksmappe">
    <systemID>43fbe161-7aac-4c9f-a888-d8167aab4144</systemID><tittel>${tittel}</tittel>
    <basisregistrering xsi:type="journalpost">
      <systemID>430a6710-a3d4-4863-8bd0-5eb1021bee45</systemID>${documents}
      <tittel>${tittel}</tittel><offentligTittel>${tittel}</offentligTittel>
      <journalposttype>Utgående dokument</journalposttype><journalstatus>Journalført</journalstatus>
    </basisregistrering>
  </mappe>
</arkivmelding>`;
}

export function arkivmelding(tittel: string, attachment = 'vedtak.pdf'): Document[] {
  return [
    { filename: 'arkivmelding.xml', mimetype: 'application/xml', content: Buffer.from(arkivmeldingXml(tittel, [attachment])), title: 'Arkivmelding' },
    { filename: attachment, mimetype: 'application/pdf', content: PDF, title: 'Vedtak' },
  ];
}

export const ARKIVMELDING = { process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding' };

/** The entries of a popped ASiC-E, name → bytes. */
export async function asicEntries(zipBytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(zipBytes, { lazyEntries: false });
  const entries = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      entries.set(entry.fileName, Buffer.concat(chunks));
    }
  } finally {
    zip.close();
  }
  return entries;
}
