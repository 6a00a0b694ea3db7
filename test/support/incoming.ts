import { Readable } from 'node:stream';
import type { ServiceIdentifier } from '../../src/domain/statuses.js';
import type { StandardBusinessDocument } from '../../src/domain/sbd.js';
import { arkivmeldingSbd, conversationIdOf, messageIdOf, type SbdOptions } from './sbd.js';
import { DEFAULT_NOW, OWN_ORG, PEER_ORG, type TestDaemon } from './test-daemon.js';

// Incoming messages as a transport would leave them: inserted through the Store port, since no
// transport exists yet to deliver them (state RECEIVED, statuses OPPRETTET and INNKOMMENDE_MOTTATT,
// the ASiC-E as `asic.zip`).
export interface IncomingOptions {
  sbd?: Record<string, unknown>;
  sbdOptions?: SbdOptions;
  serviceIdentifier?: ServiceIdentifier;
  /** Bytes of asic.zip; none stored when null. */
  asic?: Buffer | null;
}

export interface InsertedIncoming {
  messageId: string;
  conversationId: string;
  sbd: Record<string, unknown>;
  asic?: Buffer;
}

export async function insertIncoming(t: TestDaemon, o: IncomingOptions = {}): Promise<InsertedIncoming> {
  const sbd = o.sbd ?? arkivmeldingSbd({ sender: `0192:${PEER_ORG}`, receiver: `0192:${OWN_ORG}`, ...o.sbdOptions });
  const messageId = messageIdOf(sbd);
  const conversationId = conversationIdOf(sbd);
  const header = sbd.standardBusinessDocumentHeader as {
    documentIdentification: { standard: string };
    businessScope: { scope: { identifier: string }[] };
  };
  const processIdentifier = header.businessScope.scope[0]?.identifier ?? '';
  const serviceIdentifier = o.serviceIdentifier ?? 'DPO';
  const at = new Date(DEFAULT_NOW);
  const store = t.daemon.store;
  await store.createMessage({
    messageId, conversationId, direction: 'INCOMING', serviceIdentifier, processIdentifier,
    documentType: header.documentIdentification.standard, senderIdentifier: PEER_ORG, receiverIdentifier: OWN_ORG,
    sbd: sbd as unknown as StandardBusinessDocument, state: 'RECEIVED',
  }, {
    conversationId, messageId, direction: 'INCOMING', serviceIdentifier, processIdentifier,
    documentIdentifier: header.documentIdentification.standard,
    sender: `0192:${PEER_ORG}`, senderIdentifier: PEER_ORG, receiver: `0192:${OWN_ORG}`, receiverIdentifier: OWN_ORG,
    messageReference: conversationId,
  }, [{ status: 'OPPRETTET', at }, { status: 'INNKOMMENDE_MOTTATT', at }]);
  const asic = o.asic === null ? undefined : o.asic ?? asicBytes(messageId);
  if (asic) {
    await store.addFile('INCOMING', messageId, { filename: 'asic.zip', mimetype: 'application/vnd.etsi.asic-e+zip', primaryDocument: false },
      Readable.from([asic]), { maxBytes: 1024 * 1024 * 1024 });
  }
  return { messageId, conversationId, sbd, asic };
}

/** Stand-in ASiC bytes, distinct per message: the zip magic, the id, then binary filler. */
export function asicBytes(seed: string, size = 70_000): Buffer {
  const head = Buffer.from(`PK\u0003\u0004${seed}`, 'latin1');
  const filler = Buffer.alloc(size - head.length);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 31 + seed.charCodeAt(i % seed.length)) & 0xff;
  return Buffer.concat([head, filler]);
}
