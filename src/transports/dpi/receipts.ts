import type { X509Certificate } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
import { verifyJwsWithX5c } from '../../crypto/index.js';
import { conversationIdOf, messageIdOf, parseDateTime, type ReceiptStatus, type StandardBusinessDocument } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { Corner2Client, Corner2Message } from './corner2-client.js';
import { DpiReceiptRejectedError } from './errors.js';
import { checkReceiptCertificate, type CertificateMode } from './receipt-certificate.js';
import type { DpiSchemaValidator } from './schema-validator.js';
import type { DpiTokens } from './tokens.js';

// Receipts from corner 3, fetched from corner 2 (transports notes §5.3 "Receipts / incoming"): for each
// channel and sender id, `GET /messages/in` lists receipt JWSs. Each is verified against its x5c, whose
// certificate must be trusted, checked against its JSON Schema, turned into statuses of the outgoing
// conversation it names by conversationId, handed to the sink, and only then confirmed with
// `POST /messages/in/{id}/read`. (The reference confirms first; confirming after the sink has the
// statuses means a crash in between gives a receipt twice, which the status rules ignore, instead of
// none.) A receipt that fails a check is skipped and left unconfirmed, as the reference does.

export interface DpiReceiptStatus {
  status: ReceiptStatus;
  description: string;
  /** The receipt's `tidspunkt`, or when it was read. */
  at: Date;
}

export interface DpiReceipt {
  /** The outgoing conversation the receipt is about. */
  conversationId: string;
  /** The receipt's own message id, which the read confirmation names. */
  messageId: string;
  /** `leveringskvittering`, `aapningskvittering`, … */
  type: string;
  /** In order; a delivery also gives MOTTATT a second earlier, in case corner 3's receipt of it never came. */
  statuses: DpiReceiptStatus[];
  /** The receipt JWS as it arrived (rawReceipt of the statuses). */
  rawReceipt: string;
}

export interface DpiReceiptSink {
  /** Registers the receipt's statuses; resolves once they are stored. */
  accept(receipt: DpiReceipt): Promise<void>;
}

export interface ReceiptPollResult {
  accepted: number;
  rejected: number;
}

export interface ReceiptPollDeps {
  corner2: Corner2Client;
  tokens: DpiTokens;
  schemas: () => Promise<DpiSchemaValidator>;
  certificateMode: CertificateMode;
  trustedRoots: readonly X509Certificate[];
  clock: Clock;
  kanal: string;
  /** Sender ids asked for; `undefined` asks without one (`pollWithoutAvsenderidentifikator`). */
  avsenderidentifikatorer: readonly (string | undefined)[];
  pageSize: number;
  log: Logger;
}

const MOTTATT: Omit<DpiReceiptStatus, 'at'> = { status: 'MOTTATT', description: 'Hjørne 3 ha mottatt meldingen' };
// The reference's mapping and texts (MessageStatusMapper).
const MAPPING: Readonly<Record<string, Omit<DpiReceiptStatus, 'at'>>> = {
  leveringskvittering: { status: 'LEVERT', description: 'Kvittering på at digital post er tilgjengeliggjort eller at en fysisk post er postlagt' },
  aapningskvittering: { status: 'LEST', description: 'Kvittering fra Innbygger for at digital post er åpnet' },
  varslingfeiletkvittering: { status: 'FEIL', description: 'Kvittering for at en spesifisert varsling ikke har blitt sendt' },
  mottakskvittering: { status: 'LEVERT', description: 'Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print' },
  returpostkvittering: { status: 'FEIL', description: 'Kvittering fra utskrift og forsendelsestjenesten om at posten ikke har blitt levert til Mottaker.' },
  feil: { status: 'FEIL', description: 'Generell melding om at det har skjedd en feil' },
};
const UNKNOWN: Omit<DpiReceiptStatus, 'at'> = { status: 'ANNET', description: 'Ukjent kvittering' };

export async function pollDpiReceipts(deps: ReceiptPollDeps, sink: DpiReceiptSink, signal: AbortSignal): Promise<ReceiptPollResult> {
  const result: ReceiptPollResult = { accepted: 0, rejected: 0 };
  const token = await deps.tokens.forReceiving();
  for (const avsenderidentifikator of deps.avsenderidentifikatorer) {
    const query = { kanal: deps.kanal, pageSize: deps.pageSize, ...(avsenderidentifikator === undefined ? {} : { avsenderidentifikator }) };
    for (const message of await deps.corner2.receipts(query, token, signal)) {
      signal.throwIfAborted();
      let receipt: DpiReceipt;
      try {
        receipt = await unpack(deps, message);
      } catch (error) {
        if (!(error instanceof DpiReceiptRejectedError)) throw error;
        result.rejected++;
        deps.log.warn({ code: error.code, reason: error.message }, 'DPI receipt skipped');
        continue;
      }
      await sink.accept(receipt);
      await deps.corner2.markAsRead(receipt.messageId, token, signal);
      result.accepted++;
    }
  }
  return result;
}

async function unpack(deps: ReceiptPollDeps, message: Corner2Message): Promise<DpiReceipt> {
  let verified: Awaited<ReturnType<typeof verifyJwsWithX5c>>;
  try {
    verified = await verifyJwsWithX5c(message.forretningsmelding, ['RS256']);
  } catch (cause) {
    throw new DpiReceiptRejectedError('the receipt JWS does not verify against its x5c certificate', cause);
  }
  checkReceiptCertificate(verified.chain, { mode: deps.certificateMode, trustedRoots: deps.trustedRoots, now: deps.clock.now() });
  const document = parseJson(verified.payload.toString('utf8'));
  const sbd = document.standardBusinessDocument as StandardBusinessDocument | undefined;
  const type = sbd?.standardBusinessDocumentHeader?.documentIdentification?.type;
  if (sbd === undefined || typeof type !== 'string') throw new DpiReceiptRejectedError('the receipt holds no standardBusinessDocument with a type');
  const schemas = await deps.schemas();
  if (!schemas.knows(type)) throw new DpiReceiptRejectedError(`the receipt type ${type} is unknown`);
  const problems = schemas.problems(type, document);
  if (problems.length > 0) throw new DpiReceiptRejectedError(`the ${type} breaks its JSON Schema: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const conversationId = conversationIdOf(sbd);
  const messageId = messageIdOf(sbd);
  if (conversationId === undefined || messageId === undefined) throw new DpiReceiptRejectedError(`the ${type} names no conversation or message id`);
  return { conversationId, messageId, type, statuses: statusesOf(type, sbd, deps.clock.now()), rawReceipt: message.forretningsmelding };
}

function statusesOf(type: string, sbd: StandardBusinessDocument, now: Date): DpiReceiptStatus[] {
  const body = sbd[type];
  const tidspunkt = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).tidspunkt : undefined;
  const at = (typeof tidspunkt === 'string' ? parseDateTime(tidspunkt) : undefined) ?? now;
  const mapped = { ...(MAPPING[type] ?? UNKNOWN), at };
  // api notes §4.3 / transports notes §5.3: a LEVERT without MOTTATT gets a MOTTATT stamped 1 s earlier;
  // registering a status twice is a no-op, so it is always offered.
  return mapped.status === 'LEVERT' ? [{ ...MOTTATT, at: new Date(at.getTime() - 1000) }, mapped] : [mapped];
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch (cause) {
    throw new DpiReceiptRejectedError('the receipt payload is not JSON', cause);
  }
  throw new DpiReceiptRejectedError('the receipt payload is not a JSON object');
}
