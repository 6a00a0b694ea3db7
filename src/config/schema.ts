// The one source of every setting's name, type, default and reference aliases. Our canonical key is
// `efm.` + the path with camelCase segments in kebab-case (`dataDir` → `efm.data-dir`); the aliases are
// the reference integrasjonspunkt's property names (api notes §6, addressing notes §9.1), so an
// existing integrasjonspunkt-local.properties works. Defaults are the reference's and may hold
// `${…}` placeholders, resolved like any file value.
import { ANY_FORMAT, FILE_FORMATS as DETECTABLE_FORMATS } from '../domain/file-format.js';
import type { AnyField, Field, ObjectItems } from './fields.js';
import { bool, duration, enumOf, instant, int, list, optional, orgnr, size, str, url } from './fields.js';

export const SERVICES = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH'] as const;

/**
 * Format names an allow-list may hold (`efm.validation.formats.*`): those the content sniffer recognises,
 * plus `any`, which lets every format through.
 */
export const FILE_FORMATS = [...DETECTABLE_FORMATS, ANY_FORMAT] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const KEYSTORE_TYPES = ['PKCS12', 'JKS', 'PEM'] as const;
const DEFAULT_TTL = '${efm.messages.default-ttl-hours}';
/** The reference's `fiks.{ut,inn}.paa-vegne-av.<orgnr>.username` and `.password` (a map of users by orgnr). */
const FIKS_USER_BY_ORGNR: ObjectItems = { fields: ['username', 'password'], by: 'name', toItem: (user, orgnr) => `${orgnr}=${user.username ?? ''}:${user.password ?? ''}` };

const keystore = (prefix: string, defaults: { path?: string; alias: string; password?: string; type: string }) => ({
  path: optional(str({ description: 'Keystore file. When unset for the organisation, a self-signed keystore is generated in the data directory.', aliases: [`${prefix}.path`], default: defaults.path })),
  alias: str({ description: 'Alias of the key in the keystore', aliases: [`${prefix}.alias`], default: defaults.alias }),
  password: optional(str({ description: 'Keystore password', aliases: [`${prefix}.password`], default: defaults.password, secret: true })),
  type: enumOf(KEYSTORE_TYPES, { description: 'Keystore type', aliases: [`${prefix}.type`], default: defaults.type }),
});

const ttlHours = (service: string, aliases: readonly string[]) =>
  int({ description: `Default time to live (hours) of a ${service} message without expectedResponseDateTime (api notes §3.5)`, aliases, default: DEFAULT_TTL, min: 1 });

const uploadLimit = (service: string, aliases: readonly string[], limit: string) =>
  size({ description: `Largest total size of the files of one ${service} message (api notes §5.3)`, aliases, default: limit });

const formats = (service: string, defaults: readonly string[]) =>
  list({ description: `File formats accepted in ${service} messages, checked on the content's leading bytes`, items: FILE_FORMATS, default: defaults });

const service = (id: string, ttlAliases: readonly string[], limitAliases: readonly string[], limit: string) => ({
  enabled: bool({ description: `Enable ${id}; a message for a disabled service is refused at create`, aliases: [`difi.move.feature.enable${id}`], default: false }),
  defaultTtlHours: ttlHours(id, ttlAliases),
  uploadSizeLimit: uploadLimit(id, limitAliases, limit),
});

export const SCHEMA = {
  server: {
    port: int({ description: 'TCP port of the API and /manage (0 picks a free port)', aliases: ['server.port'], default: 9093, min: 0, max: 65535 }),
  },
  dataDir: str({ description: 'Directory for all persistent state (database, payloads, generated keystore)', default: './data' }),
  clock: {
    fixed: optional(instant({ description: 'Pin "now" to this instant (tests and the conformance harness)' })),
  },
  uuid: {
    sequence: list({ description: 'Ids the id generator returns in order, then repeating the last (CONTRACT.md §4); empty = random', default: [] }),
  },
  scheduling: {
    enabled: bool({ description: 'Run periodic jobs; when off, jobs run only through POST /manage/jobs/{name}/run', aliases: ['app.scheduling.enable'], default: true }),
  },
  log: {
    level: enumOf(LOG_LEVELS, { description: 'Log level', aliases: ['logging.level.root'], default: 'info', synonyms: { off: 'silent' } }),
  },
  store: {
    type: enumOf(['sqlite', 'postgres'], { description: 'Store adapter', default: 'sqlite' }),
  },
  org: {
    number: orgnr({ description: 'Own organisation number (required)', aliases: ['difi.move.org.number'] }),
    keystore: keystore('difi.move.org.keystore', { alias: '${efm.org.number}', type: 'PKCS12' }),
  },
  api: {
    auth: {
      enabled: bool({ description: 'Require HTTP basic auth on /api (api notes §1.1: on by default)', aliases: ['difi.security.enable', 'difi.move.feature.enable-auth'], default: true }),
      username: optional(str({ description: 'API user name', aliases: ['spring.security.user.name', 'difi.security.user.name'] })),
      password: optional(str({ description: 'API password', aliases: ['spring.security.user.password', 'difi.security.user.password'], secret: true })),
    },
    // Not an alias of spring.servlet.multipart.max-file-size: that is Spring's overall cap (500 MB in the
    // reference), while this is the integration point's own 5 MiB per-file check (api notes §2.5).
    multipartMaxFileSize: size({ description: 'Largest file part of POST /api/messages/out/multipart (api notes §2.5)', default: '5MB' }),
  },
  manage: {
    username: optional(str({ description: 'User name for /manage endpoints other than health; defaults to the API user', default: '${efm.api.auth.username:}' })),
    password: optional(str({ description: 'Password for /manage endpoints other than health; defaults to the API password', default: '${efm.api.auth.password:}', secret: true })),
  },
  serviceRegistry: {
    url: url({ description: 'Service Registry base URL', aliases: ['difi.move.serviceregistryEndpoint'], default: 'https://test.eformidling.no/adressetjeneste' }),
    sign: {
      enabled: bool({ description: 'Ask for JWS-signed Service Registry answers and verify them', aliases: ['difi.move.sign.enable'], default: true }),
      jwkUrl: url({ description: 'Key set that signs Service Registry answers', aliases: ['difi.move.sign.jwkUrl'], default: '${efm.service-registry.url}/jwk' }),
    },
    printLookup: bool({ description: 'Ask the registry for print addresses; off sends print=false (addressing notes §9.1)', aliases: ['difi.move.feature.enableDsfPrintLookup'], default: true }),
    betaFeatures: bool({ description: 'Send X-Enable-Beta-Features: true to the registry', aliases: ['difi.move.feature.enableBetaFeatures'], default: false }),
    cacheTtl: duration({ description: 'How long registry answers are cached', default: '5m' }),
    requestTimeout: duration({ description: 'Timeout of one registry request', default: '30s' }),
  },
  maskinporten: {
    enabled: bool({ description: 'Fetch Maskinporten tokens for outgoing calls', aliases: ['difi.move.oidc.enable'], default: true }),
    url: url({ description: 'Maskinporten token endpoint', aliases: ['difi.move.oidc.url'], default: 'https://test.maskinporten.no/token' }),
    audience: str({ description: 'Audience of the JWT grant', aliases: ['difi.move.oidc.audience'], default: 'https://test.maskinporten.no/' }),
    clientId: str({ description: 'Client id (issuer of the JWT grant)', aliases: ['difi.move.oidc.clientId'], default: 'MOVE_IP_${efm.org.number}' }),
    connectTimeout: duration({ description: 'Connect timeout', aliases: ['difi.move.oidc.connectTimeout'], default: 5000 }),
    readTimeout: duration({ description: 'Read timeout', aliases: ['difi.move.oidc.readTimeout'], default: 30000 }),
    keystore: keystore('difi.move.oidc.keystore', {
      path: '${efm.org.keystore.path:}', alias: '${efm.org.keystore.alias}', password: '${efm.org.keystore.password:}', type: '${efm.org.keystore.type}',
    }),
  },
  queue: {
    concurrency: int({ description: 'Outgoing messages sent at once', aliases: ['difi.move.queue.concurrency'], default: 10, min: 1, max: 200 }),
    pollSchedule: optional(str({ description: 'Cron (with seconds, Oslo time) of every incoming poll; unset: the reference\'s per service (DPO 15 s, DPE 20 s, DPF 15 min, DPH 30 s)' })),
    maximumRetryHours: int({ description: 'Retry budget of a failing send: 5 + this many attempts, backing off from 20 s ×3 up to 1 h, then FEIL (api notes §2.4)', aliases: ['difi.move.queue.maximum-retry-hours'], default: 100, min: 0 }),
    initialBackoff: duration({ description: 'Wait before the first retry of a failed send (the reference: 20 s)', default: '20s' }),
    backoffFactor: int({ description: 'Each further retry of a send waits this many times longer (the reference: 3)', default: 3, min: 1 }),
    maxBackoff: duration({ description: 'Longest wait between retries of a send (the reference: 1 h)', default: '1h' }),
  },
  messages: {
    defaultTtlHours: int({ description: 'Default time to live (hours) of a message; each service may override it', aliases: ['difi.move.nextmove.default-ttl-hours'], default: 24, min: 1 }),
    lockTimeoutMinutes: int({ description: 'How long a peeked incoming message stays locked', aliases: ['difi.move.nextmove.lockTimeoutMinutes'], default: 5, min: 1 }),
    receiptsEnabled: bool({ description: 'Poll statuses and forward receipts', aliases: ['difi.move.feature.enableReceipts'], default: true }),
    statusQueueIncludes: list({ description: 'Services whose statuses go to the /api/statuses/peek queue', aliases: ['difi.move.feature.statusQueueIncludes'], items: SERVICES, default: [] }),
    encryptAtRest: bool({ description: 'Encrypt stored payloads with the own certificate', aliases: ['difi.move.feature.cryptoMessagePersister'], default: true }),
    statusServices: list({ description: 'Services that exchange status messages (MOTTATT/LEVERT)', aliases: ['difi.move.nextmove.status-services'], items: SERVICES, default: ['DPO', 'DPE'] }),
    statusDocumentType: str({ description: 'Document type of status messages', aliases: ['difi.move.nextmove.status-document-type'], default: 'urn:no:difi:eformidling:xsd::status' }),
  },
  identifiers: {
    syntheticAllowed: bool({ description: 'Accept synthetic (Tenor) national identity numbers', aliases: ['difi.move.identifier.synthetic.allow'], default: false }),
  },
  // Central tracking (ops notes §3.1): the reference ships STATUS and AUDIT events as json_lines over
  // TCP to Logstash; the app.logger.* aliases let an existing properties file keep its destination.
  tracking: {
    enabled: bool({ description: 'Report status changes and message events to a central collector', aliases: ['app.logger.enableLogstash'], default: false }),
    transport: enumOf(['tcp', 'http'], { description: 'tcp: json_lines over TCP (Logstash); http: batches POSTed, the collector acknowledges event ids', default: 'tcp' }),
    destination: optional(str({ description: 'host:port of the json_lines TCP collector', aliases: ['app.logger.destination'], pattern: /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/ })),
    url: optional(url({ description: 'Endpoint of the HTTP collector (batches are POSTed here)' })),
    tls: {
      enabled: bool({ description: 'Use TLS on the TCP transport (the HTTP transport follows its URL scheme)', aliases: ['app.logger.secureLogstash'], default: false }),
      certificate: optional(str({ description: 'PEM file with the client certificate (chain) presented to the collector' })),
      key: optional(str({ description: 'PEM file with the private key of the client certificate' })),
      keystore: optional(str({ description: 'PKCS#12 file with client certificate and key, instead of certificate + key' })),
      keystorePassword: optional(str({ description: 'Password of the PKCS#12 client keystore', secret: true })),
      ca: optional(str({ description: 'PEM file with the CA certificates the collector\'s certificate must chain to; the system roots when unset' })),
    },
    bufferMaxBytes: size({ description: 'Largest size of the local event buffer; past it the oldest undelivered events are dropped', default: '1GB' }),
    bufferWarnBytes: size({ description: 'Undelivered events above this size make tracking DEGRADED in health', default: '64MB' }),
    batchMaxEvents: int({ description: 'Most events sent in one batch (one TCP connection or one HTTP request)', default: 500, min: 1, max: 10000 }),
    batchDelay: duration({ description: 'How long to gather events before sending a batch that is not full', default: '1s' }),
    requestTimeout: duration({ description: 'Timeout of one batch delivery', default: '30s' }),
    initialBackoff: duration({ description: 'Wait before the first retry after a failed delivery', default: '1s' }),
    maxBackoff: duration({ description: 'Longest wait between retries while the collector is unreachable', default: '1m' }),
  },
  dpo: {
    ...service('DPO', ['difi.move.dpo.default-ttl-hours'], ['difi.move.dpo.upload-size-limit'], '1GB'),
    messageChannel: optional(str({ description: 'Channel put into the MessageChannel scope of outgoing DPO messages (api notes §3.5)', aliases: ['difi.move.dpo.message-channel'], pattern: /^[a-zA-Z0-9\-_]{0,25}$/ })),
    // transports notes §5.1.
    brokerserviceUrl: url({ description: 'Altinn 3 broker API base URL', aliases: ['difi.move.dpo.brokerserviceUrl'], default: 'https://platform.tt02.altinn.no/broker/api/v1' }),
    altinnTokenExchangeUrl: url({ description: 'Altinn token exchange (Maskinporten token in, Altinn token out; transports notes §3.2)', aliases: ['difi.move.dpo.altinnTokenExchangeUrl'], default: 'https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten' }),
    resource: str({ description: 'Altinn resource id of the DPO broker service', aliases: ['difi.move.dpo.resource'], default: 'eformidling-dpo-meldingsutveksling' }),
    systemUser: {
      orgId: str({ description: 'Organisation of the Altinn system user that sends and receives (0192:<orgnr>)', aliases: ['difi.move.dpo.systemUser.orgId'], default: '0192:${efm.org.number}' }),
      name: str({ description: 'Name (externalRef) of the Altinn system user', aliases: ['difi.move.dpo.systemUser.name'], default: '${efm.org.number}_integrasjonspunkt_systembruker_${efm.org.number}' }),
    },
    // Each reportee is one `<orgId>=<name>` item; the reference's `difi.move.dpo.reportees[i].orgId` and
    // `.name` (a list of objects) are folded into that form.
    reportees: list({
      description: 'Extra Altinn system users for organisations sent on behalf of, each as <orgId>=<name> (0192:<orgnr>=<system user name>); the reference\'s reportees[i].orgId and reportees[i].name are read too',
      aliases: ['difi.move.dpo.reportees'],
      default: [],
      objectItems: { fields: ['orgId', 'name'], toItem: (reportee) => `${reportee.orgId ?? ''}=${reportee.name ?? ''}` },
    }),
    connectTimeout: duration({ description: 'Connect timeout of broker and Altinn token exchange calls', aliases: ['difi.move.dpo.connectTimeout'], default: 3000 }),
    requestTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from the broker', aliases: ['difi.move.dpo.requestTimeout'], default: 30000 }),
    poll: {
      maxFilesPerRun: int({ description: 'Most incoming file transfers one dpo-poll run handles per system user (the broker lists 100 at a time)', default: 1000, min: 1 }),
      concurrency: int({ description: 'File transfers looked up and downloaded at once while polling', default: 4, min: 1, max: 64 }),
    },
  },
  // transports notes §5.2; the defaults are the reference's v4 application.properties. The Altinn 2 keys
  // (`difi.move.dpv.sms.varslingstekst`, `email.emne`, …) are not aliases: v4 ignores them too.
  dpv: {
    ...service('DPV', ['difi.move.dpv.default-ttl-hours'], ['difi.move.dpv.upload-size-limit'], '250MB'),
    correspondenceServiceUrl: url({ description: 'Altinn 3 correspondence API base URL (Digdir\'s altinn-proxy)', aliases: ['difi.move.dpv.correspondenceServiceUrl'], default: 'https://test.eformidling.no/altinn-proxy/correspondence/api/v1' }),
    altinnTokenExchangeUrl: url({ description: 'Altinn token exchange for the eformidling:dpv Maskinporten token (transports notes §3.2)', aliases: ['difi.move.dpv.altinnTokenExchangeUrl'], default: 'https://platform.tt02.altinn.no/authentication/api/v1/exchange/maskinporten' }),
    notifyEmail: bool({ description: 'Notify the recipient by e-mail when the message names no channel', aliases: ['difi.move.dpv.notifyEmail'], default: true }),
    notifySms: bool({ description: 'Notify the recipient by SMS when the message names no channel', aliases: ['difi.move.dpv.notifySms'], default: true }),
    notificationText: str({ description: 'E-mail and SMS notification text; $reporterName$ becomes the sender\'s name, $correspondenceRecipientName$ is filled in by Altinn', aliases: ['difi.move.dpv.notification-text'], default: '$correspondenceRecipientName$: Du har mottatt en melding fra $reporterName$.' }),
    sensitiveNotificationText: str({ description: 'Notification text of confidential messages (resource efm.dpv.sensitive-resource)', aliases: ['difi.move.dpv.sensitive-notification-text'], default: '$correspondenceRecipientName$, har mottatt en taushetsbelagt melding fra $reporterName$. For å få tilgang til meldingen, er det nødvendig at noen i $correspondenceRecipientName$ har fått tildelt tilgang til tjenesten «eformidling-dpv-taushetsbelagt» i Altinn. Dersom dere er usikre på om noen har slik tilgang, anbefaler vi sterkt at dette sjekkes. Les mer om å gi tilgang til tjenester på Altinns nettsider.' }),
    emailSubject: str({ description: 'Subject of e-mail notifications', aliases: ['difi.move.dpv.email-subject'], default: 'Melding mottatt i Altinn' }),
    daysToReply: int({ description: 'Due date in days after sending, when the message gives no dagerTilSvarfrist', aliases: ['difi.move.dpv.daysToReply'], default: 7, min: 0 }),
    enableDueDate: bool({ description: 'Set a due date (efm.dpv.days-to-reply) when the message gives no dagerTilSvarfrist', aliases: ['difi.move.dpv.enableDueDate'], default: true }),
    sensitiveResource: str({ description: 'Altinn resource whose correspondences are confidential', aliases: ['difi.move.dpv.sensitiveResource'], default: 'eformidling-dpv-taushetsbelagt' }),
    connectTimeout: duration({ description: 'Connect timeout of correspondence and Altinn token exchange calls', default: 10000 }),
    requestTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from the correspondence API', default: 60000 }),
  },
  // transports notes §5.3, §6, §7; api notes §6.2. The defaults are the reference's, for its test environment.
  dpi: {
    ...service('DPI', ['difi.move.dpi.default-ttl-hours'], ['difi.move.dpi.upload-size-limit'], '50MB'),
    uri: url({ description: 'Corner 2 REST API of digital post to citizens', aliases: ['difi.move.dpi.uri'], default: 'https://sandbox1.ediex.no/api/v2/dpi' }),
    mpcId: str({ description: 'Channel (MPC id) messages are sent on and receipts read from; dots become underscores on the wire', aliases: ['difi.move.dpi.mpcId'], default: 'no.difi.move.integrasjonspunkt', pattern: /^[A-Za-z0-9._-]+$/ }),
    avsenderidentifikatorListe: list({ description: 'Sender ids (avsenderidentifikator) whose receipts are read', aliases: ['difi.move.dpi.avsenderidentifikatorListe'], default: [] }),
    pollWithoutAvsenderidentifikator: bool({ description: 'Also read the receipts of letters sent without a sender id', aliases: ['difi.move.dpi.pollWithoutAvsenderidentifikator'], default: true }),
    pageSize: int({ description: 'Receipts asked for in one request', aliases: ['difi.move.dpi.pageSize'], default: 100, min: 1 }),
    receiptPollInterval: duration({ description: 'Wait between two reads of receipts', aliases: ['difi.move.dpi.pollingrate'], default: 10000 }),
    language: str({ description: 'Language of the document titles (ISO 639-1) when a message names none', aliases: ['difi.move.dpi.language'], default: 'NO' }),
    // The reference's pre-JSON client took these as defaults; here they fill what a print message leaves open.
    printSettings: {
      returnType: enumOf(['DIRECT_RETURN', 'SHREDDING'], { description: 'Handling of undeliverable print without retur.returhaandtering', aliases: ['difi.move.dpi.printSettings.returnType'], default: 'SHREDDING' }),
      inkType: enumOf(['BLACK_WHITE', 'COLOUR'], { description: 'Print colour without utskriftsfarge', aliases: ['difi.move.dpi.printSettings.inkType'], default: 'BLACK_WHITE' }),
      shippingType: enumOf(['ECONOMY', 'PRIORITY'], { description: 'Postage without posttype', aliases: ['difi.move.dpi.printSettings.shippingType'], default: 'ECONOMY' }),
    },
    certificate: {
      mode: enumOf(['TEST', 'PRODUCTION', 'SELF_SIGNED'], { description: 'How the certificate of a receipt JWS is checked: SELF_SIGNED for test set-ups, else a chain to efm.dpi.certificate.trusted-roots', aliases: ['difi.move.dpi.certificate.mode'], default: 'PRODUCTION' }),
      trustedRoots: optional(str({ description: 'PEM file with the CA certificates receipt signers must chain to (TEST, PRODUCTION); unset checks validity only' })),
    },
    krrPrintUrl: url({ description: 'KRR print certificate lookup (print provider and its certificate)', aliases: ['difi.move.dpi.krr-print-url'], default: 'https://test.kontaktregisteret.no/rest/v2/printSertifikat' }),
    connectTimeout: duration({ description: 'Connect timeout of corner 2 and KRR calls', aliases: ['difi.move.dpi.timeout.connect'], default: 5000 }),
    readTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from corner 2 or KRR', aliases: ['difi.move.dpi.timeout.read'], default: 60000 }),
    keystore: keystore('difi.move.dpi.keystore', {
      path: '${efm.org.keystore.path:}', alias: '${efm.org.keystore.alias}', password: '${efm.org.keystore.password:}', type: '${efm.org.keystore.type}',
    }),
    oidc: {
      url: url({ description: 'Maskinporten token endpoint for DPI', aliases: ['difi.move.dpi.oidc.url'], default: '${efm.maskinporten.url}' }),
      audience: str({ description: 'Audience of the DPI JWT grant', aliases: ['difi.move.dpi.oidc.audience'], default: '${efm.maskinporten.audience}' }),
      clientId: str({ description: 'Client id of the DPI JWT grant', aliases: ['difi.move.dpi.oidc.clientId'], default: '${efm.maskinporten.client-id}' }),
      scopes: list({ description: 'Scopes of the DPI Maskinporten token', aliases: ['difi.move.dpi.oidc.scopes'], default: ['digitalpostinnbygger:send'] }),
      keystore: keystore('difi.move.dpi.oidc.keystore', {
        path: '${efm.dpi.keystore.path:}', alias: '${efm.dpi.keystore.alias}', password: '${efm.dpi.keystore.password:}', type: '${efm.dpi.keystore.type}',
      }),
    },
  },
  dpf: service('DPF', ['difi.move.fiks.ut.default-ttl-hours'], ['difi.move.fiks.ut.upload-size-limit'], '1GB'),
  // KS FIKS for DPF (transports notes §5.4, api notes §6.2): SvarUt's SOAP service out, SvarInn's REST API
  // in. The reference binds `difi.move.fiks.ut.paa-vegne-av.<orgnr>.username` and `.password`; our lists
  // hold plain values, so each organisation sent or received for is one `<orgnr>=<username>:<password>` item.
  fiks: {
    kryptert: bool({ description: 'Tell SvarUt the documents are encrypted (kryptert)', aliases: ['difi.move.fiks.kryptert'], default: true }),
    keystore: keystore('difi.move.fiks.keystore', {
      path: '${efm.org.keystore.path:}', alias: '${efm.org.keystore.alias}', password: '${efm.org.keystore.password:}', type: '${efm.org.keystore.type}',
    }),
    ut: {
      username: optional(str({ description: 'SvarUt user of the own organisation (HTTP basic auth)', aliases: ['difi.move.fiks.ut.username'] })),
      password: optional(str({ description: 'SvarUt password of the own organisation', aliases: ['difi.move.fiks.ut.password'], secret: true })),
      endpointUrl: url({ description: 'SvarUt base URL; the SOAP service is <url>/tjenester/forsendelseservice/ForsendelsesServiceV9', aliases: ['difi.move.fiks.ut.endpointUrl'], default: 'https://test.svarut.ks.no' }),
      konteringsKode: optional(str({ description: 'Accounting code (konteringskode) sent with every forsendelse', aliases: ['difi.move.fiks.ut.konteringsKode'] })),
      kunDigitalLevering: bool({ description: 'Ask SvarUt to deliver digitally only, never on paper', aliases: ['difi.move.fiks.ut.kunDigitalLevering'], default: false }),
      ekskluderesFraPrint: list({ description: 'File extensions SvarUt must not print (* for all but pdf)', aliases: ['difi.move.fiks.ut.ekskluderesFraPrint'], default: [] }),
      paaVegneAv: list({
        description: 'SvarUt credentials of organisations sent on behalf of, each as <orgnr>=<username>:<password>; the reference\'s paa-vegne-av.<orgnr>.username and .password are read too',
        aliases: ['difi.move.fiks.ut.paa-vegne-av'], default: [], secret: true, objectItems: FIKS_USER_BY_ORGNR,
      }),
      requestTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from SvarUt', default: '5m' }),
    },
    inn: {
      enabled: bool({ description: 'Fetch incoming forsendelser from SvarInn (job dpf-poll)', aliases: ['difi.move.fiks.inn.enable'], default: '${efm.dpf.enabled}' }),
      baseUrl: url({ description: 'SvarInn REST API base URL', aliases: ['difi.move.fiks.inn.baseUrl'], default: 'https://test.svarut.ks.no/tjenester/svarinn' }),
      username: optional(str({ description: 'SvarInn user of the own organisation (HTTP basic auth)', aliases: ['difi.move.fiks.inn.username'] })),
      password: optional(str({ description: 'SvarInn password of the own organisation', aliases: ['difi.move.fiks.inn.password'], secret: true })),
      paaVegneAv: list({
        description: 'SvarInn credentials of further organisations received for, each as <orgnr>=<username>:<password>; the reference\'s paa-vegne-av.<orgnr>.username and .password are read too',
        aliases: ['difi.move.fiks.inn.paa-vegne-av'], default: [], secret: true, objectItems: FIKS_USER_BY_ORGNR,
      }),
      process: str({ description: 'Process of the messages made from SvarInn forsendelser', aliases: ['difi.move.fiks.inn.process'], default: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' }),
      documentType: str({ description: 'Document type of the messages made from SvarInn forsendelser', aliases: ['difi.move.fiks.inn.document-type'], default: 'urn:no:difi:arkivmelding:xsd::arkivmelding' }),
      fallbackSenderOrgNr: orgnr({ description: 'Sender of a SvarInn forsendelse whose svarSendesTil has no orgnr', aliases: ['difi.move.fiks.inn.fallback-sender-org-nr'], default: '999999999' }),
      connectTimeout: duration({ description: 'Connect timeout of SvarInn calls', aliases: ['difi.move.fiks.inn.connectTimeout'], default: 10000 }),
      readTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from SvarInn', aliases: ['difi.move.fiks.inn.readTimeout'], default: 30000 }),
    },
  },
  // transports notes §5.5 (the Service Bus REST API with a SAS key).
  dpe: {
    ...service('DPE', ['difi.move.nextmove.serviceBus.default-ttl-hours'], ['difi.move.nextmove.service-bus.upload-size-limit'], '2MB'),
    mode: enumOf(['innsyn', 'data', 'meeting'], { description: 'Which of our queues we read (nextbestqueue<orgnr><mode>)', aliases: ['difi.move.nextmove.serviceBus.mode'], default: 'innsyn' }),
    receiptQueue: optional(str({ description: 'Queue suffix for status messages and eInnsyn receipts, instead of the one derived from the mode', aliases: ['difi.move.nextmove.serviceBus.receiptQueue'], pattern: /^[a-zA-Z0-9_-]+$/ })),
    baseUrl: str({ description: 'Service Bus namespace host (and port), without scheme', aliases: ['difi.move.nextmove.serviceBus.baseUrl'], default: 'efm-dpe-qa.servicebus.windows.net', pattern: /^[a-zA-Z0-9.-]+(:\d{1,5})?$/ }),
    useHttps: bool({ description: 'Reach the namespace over https (http only for local fakes)', aliases: ['difi.move.nextmove.serviceBus.useHttps'], default: true }),
    sasKeyName: str({ description: 'Name of the shared access policy', aliases: ['difi.move.nextmove.serviceBus.sasKeyName'], default: 'MoveDPE-pilotPolicy' }),
    sasToken: optional(str({ description: 'Key of the shared access policy', aliases: ['difi.move.nextmove.serviceBus.sasToken'], secret: true })),
    connectTimeout: duration({ description: 'Connect, request and response timeout of Service Bus calls', aliases: ['difi.move.nextmove.serviceBus.connectTimeout'], default: 15000 }),
  },
  // transports notes §5.6, §7; api notes §6.2. The defaults are the reference's, for its test environment.
  dph: {
    ...service('DPH', ['difi.move.dph.default-ttl-hours'], ['difi.move.dph.upload-size-limit'], '18MB'),
    uri: url({ description: 'Digdir\'s nhn-adapter, which carries health messages to and from Norsk Helsenett', aliases: ['difi.move.dph.uri'], default: 'https://test.eformidling.no/nhn-adapter/api' }),
    herIds: list({ description: 'HER ids we send from and receive for (each a positive whole number)', aliases: ['difi.move.dph.her-ids'], default: [] }),
    nhnProcess: str({ description: 'Process of dialogmelding', aliases: ['difi.move.dph.nhn-process'], default: 'urn:no:difi:profile:helse:helse:ver1.0' }),
    dialogmeldingDocumentType: str({ description: 'Document type of dialogmelding', aliases: ['difi.move.dph.dialogmelding-document-type'], default: 'urn:no:difi:helse:xsd:schema::dialogmelding' }),
    receiptProcess: str({ description: 'Process of application receipts (dialogmelding_kvittering)', aliases: ['difi.move.dph.receipt-process'], default: 'urn:no:difi:profile:helse:response:ver1.0' }),
    receiptDocumentType: str({ description: 'Document type of application receipts', aliases: ['difi.move.dph.receipt-document-type'], default: 'urn:no:difi:helse:xsd::dialogmelding_kvittering' }),
    pollInterval: duration({ description: 'Wait between two reads of incoming messages at the adapter', aliases: ['difi.move.dph.pollingrate'], default: 30000 }),
    connectTimeout: duration({ description: 'Connect timeout of nhn-adapter calls', aliases: ['difi.move.dph.timeout.connect'], default: 3000 }),
    readTimeout: duration({ description: 'Longest wait for an answer, or between two chunks of a body, from the nhn-adapter', aliases: ['difi.move.dph.timeout.read'], default: 30000 }),
    oidc: {
      scopes: list({ description: 'Scopes of the DPH Maskinporten token', aliases: ['difi.move.dph.oidc.scopes'], default: ['eformidling:dph'] }),
    },
  },
  validation: {
    strict: bool({ description: 'Reject (instead of only logging) messages that break the rules the reference documents but does not enforce', default: false }),
    // The reference restricts only DPH attachments (PDF, PNG, JPEG; api notes §5.3).
    formats: {
      dpo: formats('DPO', ['any']),
      dpv: formats('DPV', ['any']),
      dpi: formats('DPI', ['any']),
      dpf: formats('DPF', ['any']),
      dpe: formats('DPE', ['any']),
      dph: formats('DPH', ['pdf', 'png', 'jpeg']),
    },
  },
  arkivmelding: {
    defaultProcess: str({ description: 'Process used when a record gives none', aliases: ['difi.move.arkivmelding.default-process'], default: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' }),
    dpvDefaultProcess: str({ description: 'Process of incoming DPV messages', aliases: ['difi.move.arkivmelding.dpv-default-process'], default: '${efm.arkivmelding.default-process}' }),
    defaultDocumentType: str({ description: 'Document type of arkivmelding', aliases: ['difi.move.arkivmelding.default-document-type'], default: 'urn:no:difi:arkivmelding:xsd::arkivmelding' }),
    receiptProcess: str({ description: 'Process of arkivmelding receipts', aliases: ['difi.move.arkivmelding.receipt-process'], default: 'urn:no:difi:profile:arkivmelding:response:ver1.0' }),
    receiptDocumentType: str({ description: 'Document type of arkivmelding receipts', aliases: ['difi.move.arkivmelding.receipt-document-type'], default: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering' }),
    generateReceipts: bool({ description: 'Put an arkivmelding_kvittering OK in our in-queue when DPV reports an arkivmelding published (LEVERT) or SvarUt reports it read (LEST)', aliases: ['difi.move.arkivmelding.generate-arkivmelding-receipts'], default: true }),
  },
  einnsyn: {
    defaultJournalProcess: str({ description: 'Process of eInnsyn journal publishing', aliases: ['difi.move.einnsyn.default-journal-process'], default: 'urn:no:difi:profile:einnsyn:journalpost:ver1.0' }),
    defaultJournalDocumentType: str({ description: 'Document type of eInnsyn journal publishing', aliases: ['difi.move.einnsyn.default-journal-document-type'], default: 'urn:no:difi:einnsyn:xsd::publisering' }),
    defaultInnsynskravProcess: str({ description: 'Process of eInnsyn access requests', aliases: ['difi.move.einnsyn.default-innsynskrav-process'], default: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0' }),
    defaultInnsynskravDocumentType: str({ description: 'Document type of eInnsyn access requests', aliases: ['difi.move.einnsyn.default-innsynskrav-document-type'], default: 'urn:no:difi:einnsyn:xsd::innsynskrav' }),
    receiptProcess: str({ description: 'Process of eInnsyn receipts', aliases: ['difi.move.einnsyn.receipt-process'], default: 'urn:no:difi:profile:einnsyn:response:ver1.0' }),
  },
  avtalt: {
    receiptProcess: str({ description: 'Process of avtalt receipts', aliases: ['difi.move.avtalt.receipt-process'], default: 'urn:no:difi:profile:avtalt:response:ver1.0' }),
  },
  webhooks: {
    connectTimeout: duration({ description: 'Connect timeout of a webhook delivery', aliases: ['difi.move.webhooks.connectTimeout'], default: 10000 }),
    readTimeout: duration({ description: 'Read timeout of a webhook delivery', aliases: ['difi.move.webhooks.readTimeout'], default: 10000 }),
    maxAttempts: int({ description: 'Deliveries tried per event before it is dropped', default: 8, min: 1 }),
    initialBackoff: duration({ description: 'Wait before the first retry of a failed delivery', default: '10s' }),
    backoffFactor: int({ description: 'Each further retry waits this many times longer', default: 3, min: 1 }),
    maxBackoff: duration({ description: 'Longest wait between retries', default: '1h' }),
  },
  // Centrally pushed configuration (issue 6; ops notes §2: the reference no longer has any). Never settable
  // by the document itself: this group is its trust anchor.
  centralConfig: {
    enabled: bool({ description: 'Fetch a signed configuration document from the hub and apply the settings it may set', default: false }),
    url: optional(url({ description: 'URL of the configuration document (a compact JWS)' })),
    trustedKeys: optional(str({ description: 'File with the pinned public key that signs configuration documents: one JWK, or a JWK Set during a key rollover' })),
    schedule: str({ description: 'When to fetch the document: cron with seconds, Europe/Oslo', default: '0 */15 * * * *' }),
    requestTimeout: duration({ description: 'Timeout of one fetch of the document', default: '10s' }),
    allow: list({ description: 'Keys the document may set: canonical efm.* keys or a prefix ending in .*; a secret only when named exactly', default: ['efm.log.level', 'efm.webhooks.*', 'efm.validation.*'] }),
    pinned: list({ description: 'Keys that keep their local value whatever the document says (canonical keys or prefix.*)', default: [] }),
    auditLog: optional(str({ description: 'Append-only JSON-lines file recording every centrally made change; <data-dir>/central-config/audit.jsonl when unset' })),
  },
  // `efm supervise` (src/update/README.md); aliases are those of the reference updater, KOSMOS (ops notes §1.9).
  update: {
    enabled: bool({ description: 'Check the version feed and update the daemon. Off never stops the restart of a crashed daemon', aliases: ['kosmos.integrasjonspunkt.autoRefresh'], default: true }),
    feedUrl: optional(url({ description: 'Version feed in the latest-versions.yml shape (ops notes §1.2); required when update checks are on', aliases: ['kosmos.integrasjonspunkt.versionsURL'] })),
    releasesUrl: optional(url({ description: 'Where releases are: {url}/{tag}/efm-{tag}.zip with .sha256 and .asc beside it; required when update checks are on' })),
    environment: str({ description: 'Environment of the feed to follow', aliases: ['kosmos.integrasjonspunkt.profile'], default: 'production', pattern: /^[A-Za-z0-9_-]+$/ }),
    earlybird: bool({ description: "Follow the feed's earlybird channel (latest when it is empty)", aliases: ['kosmos.integrasjonspunkt.earlybird'], default: false }),
    installRoot: str({ description: "Folder of the installed releases, the current pointer and the block and allow lists; the daemon's working directory", aliases: ['kosmos.integrasjonspunkt.home'], default: './efm-home' }),
    publicKeyPaths: list({ description: 'Files with the armoured OpenPGP public keys a release must be signed with; required when update checks are on', aliases: ['kosmos.verification.publicKeyPaths'], default: [] }),
    healthUrl: optional(url({ description: 'Health endpoint of the daemon child; http://127.0.0.1:<efm.server.port>/manage/health when unset', aliases: ['kosmos.integrasjonspunkt.healthURL'] })),
    launchPollInterval: duration({ description: 'Wait between two health polls of a starting daemon', aliases: ['kosmos.launchPollIntervalInMs'], default: 1000 }),
    launchTimeout: duration({ description: 'How long a started daemon has to report UP before it counts as failed', aliases: ['kosmos.launchTimeoutInMs'], default: 150000 }),
    drainTimeout: duration({ description: 'How long a stopping daemon may take to finish in-flight work before it is killed', default: '2m' }),
    schedule: str({ description: 'When to check for updates: cron with seconds first, Europe/Oslo time', aliases: ['kosmos.schedulerCronExpression'], default: '0 30 5,19,21 * * MON-FRI' }),
    checkOnStart: bool({ description: 'Also check for an update when the supervisor starts', default: true }),
    maintenanceWindow: optional(str({ description: 'When a switch may happen, Europe/Oslo time, e.g. "MON-FRI 02:00-04:00; SAT,SUN 00:00-06:00"; unset = at any check' })),
    allowedApiMajor: optional(int({ description: 'Highest API major an update may move to; without it an update never raises the API major', min: 0 })),
    maxArchiveSize: size({ description: 'Largest release archive downloaded', default: '1GB' }),
    connectTimeout: duration({ description: 'Connect timeout of feed and release downloads', aliases: ['kosmos.java-archive-repository-connect-timeout-in-ms'], default: 5000 }),
    readTimeout: duration({ description: 'Longest wait for an answer, or between two chunks, from the distribution hub', aliases: ['kosmos.java-archive-repository-read-timeout-in-ms'], default: 60000 }),
    blocklist: {
      enabled: bool({ description: 'Block-list a version for a while after it was refused or did not become healthy', aliases: ['kosmos.blocklist.enabled'], default: true }),
      duration: duration({ description: 'How long an automatic block lasts; a plain number is hours', aliases: ['kosmos.blocklist.duration-in-hours'], default: 2, unit: 'h' }),
    },
    restart: {
      initialBackoff: duration({ description: 'Wait before restarting a crashed daemon; doubles with each crash in a row', default: '1s' }),
      maxBackoff: duration({ description: 'Longest wait before restarting a crashed daemon', default: '1m' }),
    },
  },
} satisfies SchemaNode;

export interface SchemaNode {
  readonly [name: string]: AnyField | SchemaNode;
}

type ValueOf<F> = F extends Field<infer T, infer O> ? (O extends true ? T | undefined : T) : never;

/** The typed, frozen configuration derived from a schema node. */
export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends AnyField ? ValueOf<S[K]> : ConfigOf<S[K]>;
};

export type Config = ConfigOf<typeof SCHEMA>;
