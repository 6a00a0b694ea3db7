import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { testConfig } from '../../../src/config/testing.js';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { createLogger } from '../../../src/logging/index.js';
import type { SandboxNetwork, SandboxOrganisation } from '../../../src/sandbox/index.js';
import { arkivmeldingSbd, arkivmeldingXml } from '../../support/sbd.js';

// The sandbox side of the container test: the settings a daemon of a demo organisation needs to use
// the sandbox's Service Registry, Maskinporten and Altinn broker; a receiving daemon in the test process;
// and a case system that drives a daemon over its HTTP API.

export const API_USER = 'efm-install';
export const API_PASSWORD = 'efm-install-password';
const SCHEMA_DIR = resolve(import.meta.dirname, '../../../schemas');

/** Canonical settings (YAML accepts them as dotted keys) of a daemon of `organisation` in the sandbox. */
export function sandboxSettings(network: SandboxNetwork, organisation: SandboxOrganisation, dataDir: string): Record<string, string | number | boolean> {
  return {
    'efm.data-dir': dataDir,
    'efm.org.number': organisation.orgnr,
    'efm.org.keystore.path': organisation.keystorePath,
    'efm.org.keystore.password': organisation.keystorePassword,
    'efm.api.auth.username': API_USER,
    'efm.api.auth.password': API_PASSWORD,
    'efm.service-registry.url': network.registryUrl,
    'efm.service-registry.sign.enabled': true,
    'efm.maskinporten.enabled': true,
    'efm.maskinporten.url': network.maskinportenUrl,
    'efm.maskinporten.audience': network.maskinportenAudience,
    'efm.dpo.enabled': true,
    'efm.dpo.brokerservice-url': network.brokerUrl,
    'efm.dpo.altinn-token-exchange-url': network.altinnTokenExchangeUrl,
    'efm.validation.strict': false,
  };
}

export interface ReceivingDaemon {
  url: string;
  /** Its log lines at warn and above, for a failing test to show. */
  logLines: string[];
  close(): Promise<void>;
}

/** A daemon in the test process that only polls when told to (scheduling off). */
export async function startReceivingDaemon(network: SandboxNetwork, organisation: SandboxOrganisation, dataDir: string): Promise<ReceivingDaemon> {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const daemon: RunningDaemon = await startDaemon({
    config: testConfig({ ...sandboxSettings(network, organisation, dataDir), 'efm.server.port': 0, 'efm.scheduling.enabled': false }),
    log: createLogger({ level: 'warn', destination }),
    version: '0.0.0-install-test',
    schemaDir: SCHEMA_DIR,
    host: '127.0.0.1',
  });
  return { url: daemon.url, logLines, close: () => daemon.close() };
}

export interface Received {
  messageId: string;
  asic: Buffer;
}

/** A case system over the daemon's API; every call opens a new connection (the daemon may restart). */
export class CaseSystem {
  private readonly auth = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString('base64')}`;

  constructor(private readonly url: () => string) {}

  api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url()}${path}`, { ...init, headers: { authorization: this.auth, connection: 'close', ...init.headers } });
  }

  private async expectOk(what: string, res: Promise<Response>): Promise<void> {
    const r = await res;
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${body}`);
  }

  /** Creates a message from `from` to `to` and uploads its arkivmelding.xml; returns the messageId. */
  async createDraft(from: string, to: string): Promise<string> {
    const messageId = randomUUID();
    const sbd = arkivmeldingSbd({ messageId, sender: `0192:${from}`, receiver: `0192:${to}`, expectedResponseDateTime: null });
    await this.expectOk('create', this.api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) }));
    await this.expectOk('upload arkivmelding.xml', this.api(`/api/messages/out/${messageId}`, {
      method: 'PUT', body: arkivmeldingXml('Vedtak', ['vedtak.pdf']),
      headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"; filename="arkivmelding.xml"' },
    }));
    return messageId;
  }

  async uploadPdf(messageId: string, pdf: Buffer): Promise<void> {
    await this.expectOk('upload vedtak.pdf', this.api(`/api/messages/out/${messageId}`, {
      method: 'PUT', body: pdf,
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Vedtak"; filename="vedtak.pdf"' },
    }));
  }

  async send(messageId: string): Promise<void> {
    await this.expectOk('send', this.api(`/api/messages/out/${messageId}`, { method: 'POST' }));
  }

  /** Create, upload both files and send; returns the messageId. */
  async submit(from: string, to: string, pdf: Buffer): Promise<string> {
    const messageId = await this.createDraft(from, to);
    await this.uploadPdf(messageId, pdf);
    await this.send(messageId);
    return messageId;
  }

  /** The statuses of a message's conversation, oldest first; none when it has no conversation. */
  async statuses(messageId: string): Promise<string[]> {
    const res = await this.api(`/api/conversations/messageId/${messageId}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return [];
    }
    if (res.status !== 200) throw new Error(`conversation ${messageId} answered ${res.status}: ${await res.text()}`);
    const c = await res.json() as { messageStatuses: { status: string }[] };
    return c.messageStatuses.map((s) => s.status);
  }

  async runJob(name: string): Promise<void> {
    await this.expectOk(`job ${name}`, this.api(`/manage/jobs/${name}/run`, { method: 'POST' }));
  }

  /** Peeks, pops and deletes until the incoming queue is empty. */
  async receiveAll(): Promise<Received[]> {
    const received: Received[] = [];
    for (;;) {
      const peeked = await this.api('/api/messages/in/peek');
      if (peeked.status === 204) return received;
      if (peeked.status !== 200) throw new Error(`peek answered ${peeked.status}: ${await peeked.text()}`);
      const sbd = await peeked.json() as { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } } };
      const messageId = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
      const popped = await this.api(`/api/messages/in/pop/${messageId}`);
      if (popped.status !== 200) throw new Error(`pop of ${messageId} answered ${popped.status}: ${await popped.text()}`);
      const asic = Buffer.from(await popped.arrayBuffer());
      await this.expectOk(`delete of ${messageId}`, this.api(`/api/messages/in/${messageId}`, { method: 'DELETE' }));
      received.push({ messageId, asic });
    }
  }
}
