import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve, join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createMaskinportenClient, createServiceRegistryClient } from './addressing/index.js';
import { createHttpApp } from './api/app.js';
import { basicAuth, type Credentials } from './api/basic-auth.js';
import { serviceRecordRelay } from './api/service-record-relay.js';
import { apiV2 } from './api/v2/index.js';
import { buildOpenApiDocument } from './api/openapi/index.js';
import { fixedClock, systemClock, type Clock } from './clock/index.js';
import type { Config } from './config/index.js';
import { createCentralConfig, httpDocumentSource, type CentralStart } from './central-config/index.js';
import type { ServiceIdentifier } from './domain/statuses.js';
import { createEngine, sendRetryPolicy } from './engine/index.js';
import { JobRegistry, type Job } from './engine/jobs/index.js';
import { createDpoTransport, createAltinnTokens } from './transports/dpo/index.js';
import { createDpvTransport } from './transports/dpv/index.js';
import { configuredSasKey, createDpeTransport } from './transports/dpe/index.js';
import { createDpiTokens, createDpiTransport, type DpiTransport } from './transports/dpi/index.js';
import { createDphTokens, createDphTransport } from './transports/dph/index.js';
import { createDpfTransport, type DpfTransport } from './transports/dpf/index.js';
import { certificatesFromPem } from './crypto/index.js';
import type { ServiceRegistryClient } from './addressing/index.js';
import type { Transport } from './transports/index.js';
import { installationId } from './identity/index.js';
import { WebhookDispatcher } from './engine/webhooks/index.js';
import { openOwnKeystore, type OwnKeystore } from './identity/index.js';
import { randomIds, sequenceIds, type IdGenerator } from './ids/index.js';
import { setLogLevel, type Logger } from './logging/index.js';
import { countRequests, createMetrics } from './manage/metrics.js';
import { manageRouter } from './manage/router.js';
import { ArkivmeldingReader } from './messages/arkivmelding-reader.js';
import { certificateCheck } from './messages/certificate-check.js';
import { IncomingMessages } from './messages/incoming.js';
import { OutgoingMessages } from './messages/outgoing.js';
import { OutgoingRules } from './messages/outgoing-rules.js';
import { publishStatusEvent } from './messages/publish-status-event.js';
import { ServiceResolver } from './messages/service-resolver.js';
import { StatusRegistry } from './messages/status-registry.js';
import { StrictChecks } from './messages/strict-checks.js';
import { Subscriptions } from './messages/subscriptions.js';
import { MessageValidation } from './messages/validation.js';
import { openSqliteStore, type Store } from './store/index.js';
import { createTrackingReporter, statusChangeEvent } from './tracking/index.js';
import { atRestCipher } from './crypto/index.js';

// The one composition root: every object of a running daemon is built and wired here, from the frozen
// Config. Nothing else constructs collaborators or reads the environment.
export interface DaemonOptions {
  config: Config;
  log: Logger;
  /** The product version (package.json), for /manage/info. */
  version: string;
  /** Directory of the shipped XSDs. */
  schemaDir: string;
  /** Host to bind; all interfaces when absent. */
  host?: string;
  /** The central configuration layer, when enabled (loadCentralLayer at start-up). */
  central?: CentralStart;
}

export interface RunningDaemon {
  port: number;
  url: string;
  store: Store;
  /** Stops taking requests, finishes in-flight work and closes the store. */
  close(): Promise<void>;
}

const SERVICES: readonly ServiceIdentifier[] = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH'];
const JSON_LIMIT_BYTES = 10 * 1024 * 1024;

function serviceSettings(config: Config, running: () => Config) {
  const byService = {
    DPO: config.dpo, DPV: config.dpv, DPI: config.dpi, DPF: config.dpf, DPE: config.dpe, DPH: config.dph,
  } as const;
  const formatsBy = (f: Config['validation']['formats']) => ({ DPO: f.dpo, DPV: f.dpv, DPI: f.dpi, DPF: f.dpf, DPE: f.dpe, DPH: f.dph }) as const;
  const pick = <T>(service: ServiceIdentifier, from: Record<Exclude<ServiceIdentifier, 'UNKNOWN'>, T>, fallback: T): T =>
    service === 'UNKNOWN' ? fallback : from[service];
  return {
    enabled: SERVICES.filter((s) => s !== 'UNKNOWN' && byService[s as Exclude<ServiceIdentifier, 'UNKNOWN'>].enabled),
    ttlHours: (s: ServiceIdentifier) => pick(s, { DPO: byService.DPO.defaultTtlHours, DPV: byService.DPV.defaultTtlHours, DPI: byService.DPI.defaultTtlHours, DPF: byService.DPF.defaultTtlHours, DPE: byService.DPE.defaultTtlHours, DPH: byService.DPH.defaultTtlHours }, config.messages.defaultTtlHours),
    uploadLimit: (s: ServiceIdentifier) => pick(s, { DPO: byService.DPO.uploadSizeLimit, DPV: byService.DPV.uploadSizeLimit, DPI: byService.DPI.uploadSizeLimit, DPF: byService.DPF.uploadSizeLimit, DPE: byService.DPE.uploadSizeLimit, DPH: byService.DPH.uploadSizeLimit }, 0),
    // Format allow-lists may be changed centrally: read the running config each time.
    formats: (s: ServiceIdentifier): readonly string[] => pick(s, formatsBy(running().validation.formats), ['any']),
  };
}

function credentialsOf(username: string | undefined, password: string | undefined): Credentials | undefined {
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  const { config, log } = o;
  const clock: Clock = config.clock.fixed ? fixedClock(config.clock.fixed) : systemClock;
  const ids = config.uuid.sequence.length > 0 ? sequenceIds(config.uuid.sequence) : randomIds;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  let running = config;
  const services = serviceSettings(config, () => running);

  const ks = config.org.keystore;
  const own = await openOwnKeystore({
    orgNumber: config.org.number, dataDir, clock,
    configured: ks.path ? { path: resolve(ks.path), alias: ks.alias, password: ks.password, type: ks.type } : undefined,
  });
  for (const w of own.warnings) log.warn({ alias: w.alias, notAfter: w.notAfter.toISOString(), daysLeft: w.daysLeft }, 'business certificate expires soon');
  log.info({ source: own.source, alias: own.entry.alias }, 'business certificate loaded');

  const store = await openSqliteStore({
    file: join(dataDir, 'efm.sqlite'),
    blobDir: join(dataDir, 'blobs'),
    blobCipher: config.messages.encryptAtRest ? atRestCipher(own.entry) : undefined,
  });

  const maskinporten = config.maskinporten.enabled
    ? createMaskinportenClient({
      tokenUrl: config.maskinporten.url, audience: config.maskinporten.audience, clientId: config.maskinporten.clientId,
      scopes: maskinportenScopes(services.enabled), signingKey: own.entry.privateKey,
      certificateChainPem: own.entry.chain.map((c) => c.toString()).join('\n'), clock,
    })
    : undefined;
  const registry = createServiceRegistryClient({
    baseUrl: config.serviceRegistry.url,
    sign: { enabled: config.serviceRegistry.sign.enabled, jwkUrl: config.serviceRegistry.sign.jwkUrl },
    printLookup: config.serviceRegistry.printLookup, betaFeatures: config.serviceRegistry.betaFeatures,
    cacheTtlMs: config.serviceRegistry.cacheTtl, timeoutMs: config.serviceRegistry.requestTimeout, clock,
    tokenProvider: maskinporten ? () => maskinporten.accessToken() : undefined,
  });

  const dispatcher = new WebhookDispatcher({
    store, clock, log: log.child({ module: 'webhooks' }),
    connectTimeoutMs: config.webhooks.connectTimeout, readTimeoutMs: config.webhooks.readTimeout,
    maxAttempts: config.webhooks.maxAttempts, initialBackoffMs: config.webhooks.initialBackoff,
    backoffMultiplier: config.webhooks.backoffFactor, maxBackoffMs: config.webhooks.maxBackoff,
  });
  const metrics = createMetrics({
    queueDepth: async () => {
      const first = { page: 0, size: 1, sort: [] };
      const [outgoing, incoming] = await Promise.all([store.listMessages('OUTGOING', {}, first), store.listMessages('INCOMING', {}, first)]);
      return { outgoing: outgoing.totalElements, incoming: incoming.totalElements };
    },
  });
  const tracking = await createTrackingReporter({
    dir: join(dataDir, 'tracking'), clock, log: log.child({ module: 'tracking' }), settings: config.tracking,
    identity: { orgNumber: config.org.number, version: o.version },
  });
  const statuses = new StatusRegistry({
    store, clock, log: log.child({ module: 'statuses' }),
    statusQueueIncludes: new Set(config.messages.statusQueueIncludes),
    onRecorded: (change) => {
      metrics.statusChanges.inc({ direction: change.conversation.direction, service: change.conversation.serviceIdentifier, status: change.status.status });
      tracking.record(statusChangeEvent(change));
      dispatcher.wake();
    },
  });

  const arkivmelding = new ArkivmeldingReader();
  const strict = new StrictChecks({ isStrict: () => running.validation.strict, arkivmelding, schemaDir: o.schemaDir, log: log.child({ module: 'validation' }) });
  const checkCertificate = certificateCheck({
    certificate: own.entry.certificate, orgNumber: config.org.number, clock,
    compareWithRegistry: config.dpo.enabled || config.dpe.enabled,
    registryCertificate: (org) => registry.virksert(org),
    parsePem: (pem) => new X509Certificate(pem),
  });
  const transports = await buildTransports({ config, own: own.entry, ids, clock, dataDir, log, registry, schemaDir: o.schemaDir });
  const dpf = transports.find((t): t is DpfTransport => t.service === 'DPF' && 'svarUt' in t);
  const rules = new OutgoingRules({
    svarUt: dpf?.svarUt,
    ids, arkivmelding, strict, certificateCheck: checkCertificate,
    settings: {
      orgNumber: config.org.number, enabledServices: services.enabled, defaultTtlHours: services.ttlHours,
      messageChannel: config.dpo.messageChannel, allowSyntheticIdentifiers: config.identifiers.syntheticAllowed,
      dphHerIds: config.dph.herIds,
    },
  });
  const resolver = new ServiceResolver(registry);
  const engine = createEngine({
    store, clock, statuses, transports, ownKey: own.entry, log: log.child({ module: 'engine' }),
    resolveRecord: (message) => resolver.recordFor(message),
    settings: {
      // A stable owner per installation lets a restarted daemon take back its own leased sends at once.
      owner: await installationId(dataDir),
      statusServices: config.messages.statusServices,
      generateReceipts: config.arkivmelding.generateReceipts,
      schedules: config.queue.pollSchedule ? { poll: Object.fromEntries(transports.map((t) => [t.service, config.queue.pollSchedule])) } : {},
      outbox: {
        concurrency: config.queue.concurrency,
        retry: sendRetryPolicy({
          maximumRetryHours: config.queue.maximumRetryHours, initialBackoffMs: config.queue.initialBackoff,
          backoffFactor: config.queue.backoffFactor, maxBackoffMs: config.queue.maxBackoff,
        }),
      },
    },
  });
  const outgoing = new OutgoingMessages({
    store, clock, ids, resolver, statuses, rules, log: log.child({ module: 'outgoing' }),
    settings: { orgNumber: config.org.number, uploadLimitBytes: services.uploadLimit, allowedFormats: services.formats },
    // The outbox that sends queued messages comes with the first transport (issue 4).
    onQueued: () => engine.outbox.wake(),
  });
  const incoming = new IncomingMessages({
    store, clock, statuses, lockTimeoutMs: config.messages.lockTimeoutMinutes * 60_000, log: log.child({ module: 'incoming' }),
    onDelivered: (message) => engine.inbox.onDelivered(message),
  });
  const subscriptions = new Subscriptions({ store, ping: (s) => dispatcher.ping(s), log: log.child({ module: 'subscriptions' }) });
  const validation = new MessageValidation({ rules, resolver, arkivmelding, clock, strict, uploadLimitBytes: services.uploadLimit, allowedFormats: services.formats });

  const jobs = new JobRegistry(log.child({ module: 'jobs' }));
  jobs.register({ name: 'webhook-delivery', schedule: '*/30 * * * * *', run: () => dispatcher.drain() });
  for (const job of engine.jobs) jobs.register(job);
  const dpi = transports.find((t): t is DpiTransport => t.service === 'DPI' && 'pollReceipts' in t);
  if (dpi) jobs.register(dpiReceiptsJob(dpi, store, statuses));
  const central = o.central ? createCentralConfig({
    start: o.central, clock, log: log.child({ module: 'central-config' }),
    source: httpDocumentSource({ url: o.central.settings.url, timeoutMs: o.central.settings.requestTimeoutMs }),
    // Only the hot keys (HOT_KEYS) arrive here; everything else waits for the next start.
    onChange: (next) => {
      running = next;
      setLogLevel(log, next.log.level);
      dispatcher.setRetryPolicy({
        maxAttempts: next.webhooks.maxAttempts, initialBackoffMs: next.webhooks.initialBackoff,
        backoffMultiplier: next.webhooks.backoffFactor, maxBackoffMs: next.webhooks.maxBackoff,
      });
    },
  }) : undefined;
  if (central) jobs.register(central.job);

  const apiCredentials = config.api.auth.enabled ? credentialsOf(config.api.auth.username, config.api.auth.password) : undefined;
  const manageCredentials = credentialsOf(config.manage.username || undefined, config.manage.password || undefined) ?? apiCredentials;
  const multipart = { fileMaxBytes: config.api.multipartMaxFileSize, sbdMaxBytes: 1024 * 1024, maxFiles: 100, tempDir: dataDir };
  const app = createHttpApp({
    clock, log,
    apiAuth: basicAuth(apiCredentials),
    others: [serviceRecordRelay(registry, basicAuth(apiCredentials))],
    majors: [apiV2({ store, outgoing, incoming, subscriptions, capabilities: registry, validation, multipart, jsonLimitBytes: JSON_LIMIT_BYTES })],
    manage: manageRouter({
      auth: basicAuth(config.api.auth.enabled ? manageCredentials : undefined),
      health: [
        { name: 'store', check: async () => { await store.ping(); return { status: 'UP' }; } },
        { name: 'tracking', check: async () => tracking.health() },
        ...(central ? [{ name: 'centralConfig', check: async () => central.health() }] : []),
      ],
      info: () => ({
        version: o.version, organisationNumber: config.org.number, enabledServices: services.enabled,
        apiVersions: ['2'], certificate: { source: own.source, notAfter: own.entry.certificate.validTo },
      }),
      metrics, jobs,
      publishStatusEvent: async (body) => {
        await publishStatusEvent(store, clock, body);
        dispatcher.wake();
      },
    }),
    openapi: buildOpenApiDocument,
    before: [countRequests(metrics)],
  });

  dispatcher.start();
  // The outbox runs whether or not scheduling is on: a send wakes it (CONTRACT.md §5).
  engine.outbox.start();
  tracking.start();
  if (config.scheduling.enabled) jobs.startSchedules();
  const server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await listen(server, config.server.port, o.host);
  const port = (server.address() as AddressInfo).port;
  log.info({ port, organisationNumber: config.org.number, services: services.enabled }, 'daemon ready');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((res) => server.close(() => res()));
      server.closeIdleConnections();
      const force = setTimeout(() => { for (const s of sockets) s.destroy(); }, 10_000);
      force.unref();
      await closed;
      clearTimeout(force);
      // In-flight sends finish; one that hangs is aborted after a while and retried on the next start.
      await engine.outbox.stop({ abortAfterMs: 20_000 });
      await jobs.stop();
      await dispatcher.stop();
      // Last: everything that registers statuses has stopped, so no event is recorded after this.
      await tracking.stop();
      await store.close();
      log.info('daemon stopped');
    })();
    return closing;
  };
  return { port, url: `http://127.0.0.1:${port}`, store, close };
}

interface TransportContext {
  config: Config;
  own: OwnKeystore['entry'];
  ids: IdGenerator;
  clock: Clock;
  dataDir: string;
  log: Logger;
  registry: ServiceRegistryClient;
  schemaDir: string;
}

/** One transport per enabled service that has one; the others are refused at create (not enabled). */
async function buildTransports(c: TransportContext): Promise<Transport[]> {
  const transports: Transport[] = [];
  const grant = {
    tokenUrl: c.config.maskinporten.url, audience: c.config.maskinporten.audience, clientId: c.config.maskinporten.clientId,
    signingKey: c.own.privateKey, certificateChainPem: c.own.chain.map((cert) => cert.toString()).join('\n'),
  };
  if (c.config.dpo.enabled) {
    const tokens = createAltinnTokens({ maskinporten: grant, exchangeUrl: c.config.dpo.altinnTokenExchangeUrl, clock: c.clock });
    transports.push(createDpoTransport({
      config: c.config.dpo, ownKey: c.own, ids: c.ids, tokens, clock: c.clock, workDir: join(c.dataDir, 'dpo'), log: c.log.child({ module: 'dpo' }),
    }));
  }
  if (c.config.dpv.enabled) {
    const altinn = createAltinnTokens({ maskinporten: grant, exchangeUrl: c.config.dpv.altinnTokenExchangeUrl, clock: c.clock });
    const scope = 'eformidling:dpv';
    transports.push(createDpvTransport({
      config: c.config.dpv, clock: c.clock, serviceRegistry: c.registry, log: c.log.child({ module: 'dpv' }),
      tokens: { token: () => altinn.token(undefined, scope), invalidate: () => altinn.invalidate(undefined, scope) },
    }));
  }
  if (c.config.dpe.enabled) {
    transports.push(createDpeTransport({
      config: c.config.dpe, orgnr: c.config.org.number, ownKey: c.own, sasKey: configuredSasKey(c.config.dpe.sasToken),
      clock: c.clock, workDir: join(c.dataDir, 'dpe'), log: c.log.child({ module: 'dpe' }),
    }));
  }
  if (c.config.dpi.enabled) {
    const oidc = c.config.dpi.oidc;
    const roots = c.config.dpi.certificate.trustedRoots;
    transports.push(createDpiTransport({
      config: c.config.dpi, signer: c.own, clock: c.clock, schemaDir: join(c.schemaDir, 'dpi-json'), workDir: join(c.dataDir, 'dpi'),
      log: c.log.child({ module: 'dpi' }),
      trustedRoots: roots ? certificatesFromPem(await readFile(roots, 'utf8')) : undefined,
      tokens: createDpiTokens({
        tokenUrl: oidc.url, audience: oidc.audience, clientId: oidc.clientId, scopes: [...oidc.scopes],
        signingKey: c.own.privateKey, certificateChainPem: grant.certificateChainPem, clock: c.clock,
      }),
    }));
  }
  if (c.config.dpf.enabled) {
    transports.push(createDpfTransport({
      config: { dpf: c.config.dpf, fiks: c.config.fiks }, orgnr: c.config.org.number, ownKey: c.own, fiksKey: c.own,
      ids: c.ids, serviceRegistry: c.registry, clock: c.clock, workDir: join(c.dataDir, 'dpf'), log: c.log.child({ module: 'dpf' }),
    }));
  }
  if (c.config.dph.enabled) {
    transports.push(createDphTransport({
      config: c.config.dph, ownKey: c.own, serviceRegistry: c.registry, ids: c.ids, clock: c.clock,
      receiptsEnabled: c.config.messages.receiptsEnabled, workDir: join(c.dataDir, 'dph'), log: c.log.child({ module: 'dph' }),
      tokens: createDphTokens({ ...grant, scopes: [...c.config.dph.oidc.scopes], clock: c.clock }),
    }));
  }
  return transports;
}

/** DPI receipts arrive on their own channel; each names the conversation it is about. */
function dpiReceiptsJob(dpi: DpiTransport, store: Store, statuses: StatusRegistry): Job {
  return {
    name: 'dpi-receipts',
    schedule: '*/10 * * * * *',
    run: async (signal) => {
      await dpi.pollReceipts({
        accept: async (receipt) => {
          const page = await store.listConversations({ conversationId: receipt.conversationId, direction: 'OUTGOING' }, { page: 0, size: 1, sort: [] });
          const conversation = page.content[0];
          if (!conversation) return;
          for (const s of receipt.statuses) {
            await statuses.register(conversation.messageId, 'OUTGOING', 'DPI', s.status, { description: s.description, rawReceipt: receipt.rawReceipt });
          }
        },
      }, signal);
    },
  };
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, host, () => {
      server.off('error', rej);
      res();
    });
  });
}

/** The scopes the reference asks Maskinporten for, per enabled service (addressing notes §2.2). */
function maskinportenScopes(enabled: readonly ServiceIdentifier[]): string[] {
  const scopes = enabled.filter((s) => s !== 'DPI' && s !== 'UNKNOWN').map((s) => `eformidling:${s.toLowerCase()}`);
  if (enabled.includes('DPI')) {
    scopes.push('eformidling:dpi', 'digitalpostinnbygger:send', 'global/kontaktinformasjon.read', 'global/sikkerdigitalpost.read',
      'global/varslingsstatus.read', 'global/sertifikat.read', 'global/navn.read', 'global/postadresse.read');
  }
  return scopes;
}
