import type { Readable } from 'node:stream';
import { applyCreateDefaults } from '../domain/create-defaults.js';
import { applyPrintDefaults } from '../domain/print-defaults.js';
import type { FieldProblem } from '../domain/errors.js';
import { checkForsendelseType, validateForCreate } from '../domain/create-rules.js';
import { isPrimaryDocument, mimeTypeFor, validateUpload } from '../domain/file-rules.js';
import { parsePartnerIdentifier, primaryIdentifier, recordedSenderIdentifier } from '../domain/identifiers.js';
import { parseStandardBusinessDocument } from '../domain/sbd-parse.js';
import {
  businessMessageOf, conversationIdOf, expiryOf, messageIdOf, processOf, receiverOf, senderOf, standardOf, typeOf,
} from '../domain/sbd-access.js';
import type { StandardBusinessDocument } from '../domain/sbd.js';
import { ARKIVMELDING_FILE, validateForSend } from '../domain/send-rules.js';
import type { ServiceIdentifier } from '../domain/statuses.js';
import type { IdGenerator } from '../ids/index.js';
import type { FileRecord, MessageRecord, NewConversation, NewMessage } from '../store/index.js';
import type { ArkivmeldingReader } from './arkivmelding-reader.js';
import type { Resolution } from './service-resolver.js';
import type { StrictChecks } from './strict-checks.js';

// The rules of the outgoing API in one place, bound to this daemon's settings: the pure checks live in
// domain/; this module feeds them what they need (settings, ids, the stored files) and turns their
// results into store records.
export interface OutgoingRulesSettings {
  orgNumber: string;
  enabledServices: readonly ServiceIdentifier[];
  defaultTtlHours: (service: ServiceIdentifier) => number;
  messageChannel?: string;
  allowSyntheticIdentifiers: boolean;
  /** `difi.move.dph.her-ids`: the HER ids this daemon may send DPH messages from. */
  dphHerIds?: readonly string[];
}

export interface OutgoingRulesOptions {
  settings: OutgoingRulesSettings;
  ids: IdGenerator;
  arkivmelding: ArkivmeldingReader;
  strict: StrictChecks;
  /** SvarUt's answers for the DPF create checks (credentials, forsendelsestyper); absent without DPF. */
  svarUt?: { hasCredentials(orgnr: string): boolean; forsendelseTyper(orgnr: string): Promise<string[]> };
  /** The business certificate check (api notes §5.2 step 6); a no-op where it does not apply. */
  certificateCheck: (service: ServiceIdentifier) => Promise<void>;
}

export interface PreparedMessage {
  message: NewMessage;
  conversation: NewConversation;
}

export interface CheckedUpload {
  filename: string;
  title?: string;
  mimetype: string;
  primaryDocument: boolean;
}

function identifierOf(value: { value: string; authority: string } | undefined, synthetic: boolean) {
  if (!value) return undefined;
  return parsePartnerIdentifier(value.value, value.authority, { allowSynthetic: synthetic });
}

export class OutgoingRules {
  constructor(private readonly o: OutgoingRulesOptions) {}

  parse(body: unknown, now: Date): StandardBusinessDocument {
    return parseStandardBusinessDocument(body, { now, allowSynthetic: this.o.settings.allowSyntheticIdentifiers });
  }

  isStatusMessage(sbd: StandardBusinessDocument): boolean {
    return typeOf(sbd) === 'status';
  }

  /** The SBD with the create defaults of §3.5 filled in, print addresses from the registry record. */
  withDefaults(parsed: StandardBusinessDocument, resolution: Resolution, now: Date): StandardBusinessDocument {
    const s = this.o.settings;
    const service = resolution.service;
    const sbd = applyCreateDefaults(parsed, {
      orgNumber: s.orgNumber, now, ids: this.o.ids, defaultTtlHours: s.defaultTtlHours(service),
      messageChannel: service === 'DPO' ? s.messageChannel : undefined, serviceIdentifier: service,
    });
    return applyPrintDefaults(sbd, { postAddress: resolution.record?.postAddress, returnAddress: resolution.record?.returnAddress });
  }

  /** The documented business rules (strict mode), for the resolved service. */
  businessProblems(sbd: StandardBusinessDocument, service: ServiceIdentifier): FieldProblem[] {
    return this.o.strict.businessProblems(sbd, { serviceIdentifier: service, allowSynthetic: this.o.settings.allowSyntheticIdentifiers });
  }

  /** The create checks of §5.2 that need no I/O; throws the first failure. */
  checkCreate(sbd: StandardBusinessDocument, service: ServiceIdentifier, now: Date): void {
    const s = this.o.settings;
    validateForCreate(sbd, {
      ownOrgNumber: s.orgNumber, serviceIdentifier: service, enabledServices: s.enabledServices, now,
      messageChannel: s.messageChannel, allowSynthetic: s.allowSyntheticIdentifiers, dphHerIds: s.dphHerIds,
      svarUt: service === 'DPF' ? this.o.svarUt : undefined,
    });
  }

  /** Fills in the defaults (§3.5), runs the create checks (§5.2) and builds the records to store. */
  prepareForCreate(parsed: StandardBusinessDocument, resolution: Resolution, now: Date): PreparedMessage {
    const s = this.o.settings;
    const service = resolution.service;
    const sbd = this.withDefaults(parsed, resolution, now);
    this.checkCreate(sbd, service, now);
    this.o.strict.enforce('The business message breaks documented rules', this.businessProblems(sbd, service));
    const synthetic = s.allowSyntheticIdentifiers;
    const sender = identifierOf(senderOf(sbd), synthetic);
    const receiver = identifierOf(receiverOf(sbd), synthetic);
    const messageId = messageIdOf(sbd) ?? '';
    const conversationId = conversationIdOf(sbd) ?? '';
    const processIdentifier = processOf(sbd) ?? '';
    const expiry = expiryOf(sbd);
    const senderIdentifier = sender ? recordedSenderIdentifier(sender) : s.orgNumber;
    const receiverIdentifier = receiver ? primaryIdentifier(receiver) : undefined;
    return {
      message: {
        messageId, conversationId, direction: 'OUTGOING', serviceIdentifier: service, processIdentifier,
        documentType: standardOf(sbd), senderIdentifier, receiverIdentifier, sbd, state: 'DRAFT', expiry,
      },
      conversation: {
        conversationId, messageId, direction: 'OUTGOING', serviceIdentifier: service, processIdentifier,
        documentIdentifier: standardOf(sbd),
        sender: senderOf(sbd)?.value, senderIdentifier,
        receiver: receiverOf(sbd)?.value, receiverIdentifier,
        // The reference starts messageReference as the conversationId (api notes §2.8).
        messageReference: conversationId,
        expiry,
      },
    };
  }

  /**
   * DPF: `dpf.forsendelseType`, when given, must be one of the sender's SvarUt types (api notes §5.2 step 12).
   * SvarUt is asked only then, as the reference does.
   */
  async checkForsendelseType(sbd: StandardBusinessDocument, service: ServiceIdentifier): Promise<void> {
    if (service !== 'DPF' || !this.o.svarUt) return;
    const dpf = businessMessageOf(sbd)?.dpf;
    const wanted = typeof dpf === 'object' && dpf !== null ? (dpf as Record<string, unknown>).forsendelseType : undefined;
    if (typeof wanted !== 'string' || wanted === '') return;
    const sender = identifierOf(senderOf(sbd), this.o.settings.allowSyntheticIdentifiers);
    const org = sender ? recordedSenderIdentifier(sender) : this.o.settings.orgNumber;
    checkForsendelseType(sbd, await this.o.svarUt.forsendelseTyper(org));
  }

  checkCertificate(service: ServiceIdentifier): Promise<void> {
    return this.o.certificateCheck(service);
  }

  checkUpload(message: MessageRecord, files: readonly FileRecord[], upload: { filename: string; title?: string; mimetype: string }): CheckedUpload {
    const mimetype = mimeTypeFor(upload.filename, upload.mimetype);
    validateUpload({ filename: upload.filename, title: upload.title, mimeType: mimetype }, {
      sbd: message.sbd, serviceIdentifier: message.serviceIdentifier, existingFiles: files,
    });
    return { filename: upload.filename, title: upload.title, mimetype, primaryDocument: isPrimaryDocument(message.sbd, upload.filename) };
  }

  /** An uploaded arkivmelding.xml names the conversation (api notes §2.3). */
  async afterUpload(message: MessageRecord, file: FileRecord, open: (file: FileRecord) => Readable): Promise<{ messageTitle?: string; messageReference?: string } | undefined> {
    if (file.filename !== ARKIVMELDING_FILE || typeOf(message.sbd) !== 'arkivmelding') return undefined;
    const parsed = await this.o.arkivmelding.tryRead(open(file));
    if (!parsed) return undefined;
    return { messageTitle: parsed.title, messageReference: parsed.reference };
  }

  /** §5.4, plus the strict checks; reads arkivmelding.xml when the message has one. */
  async checkSend(message: MessageRecord, files: readonly FileRecord[], now: Date, open: (file: FileRecord) => Readable): Promise<void> {
    let references: readonly string[] | undefined;
    const arkivmeldingFile = typeOf(message.sbd) === 'arkivmelding' ? files.find((f) => f.filename === ARKIVMELDING_FILE) : undefined;
    if (arkivmeldingFile) {
      const xml = await this.o.arkivmelding.readText(open(arkivmeldingFile));
      references = (await this.o.arkivmelding.parse(xml)).referencedFiles;
      await this.o.strict.checkArkivmelding(xml);
    }
    validateForSend(message.sbd, { now, serviceIdentifier: message.serviceIdentifier, files, arkivmeldingReferences: references ?? [] });
  }
}
