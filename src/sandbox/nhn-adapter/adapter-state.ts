import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
import type { KeystoreEntry } from '../../crypto/index.js';
import {
  businessMessageOf, CONVERSATION_ID_SCOPE, formatOslo, NHN_AUTHORITY, parsePartnerIdentifier, PROCESSES, receiverOf, senderOf, STANDARDS,
  type StandardBusinessDocument,
} from '../../domain/index.js';
import { Refusal } from './outgoing-upload.js';
import type { VerifiedOutgoing } from './verify-outgoing.js';

// What the fake nhn-adapter knows: the messages it took, with NHN's transport state and the receiver's
// application receipt of each, and what waits for each HER id. A message it takes also waits for its
// receiver (as NHN delivers it), under the same id; an application receipt it takes sets the receipt
// status of the message it relates to, named by NHN id or by SBD messageId.

/** How long the application receipts the fake writes live (the default 24 h). */
const RECEIPT_TTL_MS = 24 * 3_600_000;

export type TransportStatus = 'UNCONFIRMED' | 'ACKNOWLEDGED' | 'REJECTED';
export type ApplicationReceiptStatus = 'OK' | 'REJECTED' | 'OK_ERROR_IN_MESSAGE_PART';

export interface FakeDphMessage extends VerifiedOutgoing {
  nhnId: string;
  /** The decrypted ASiC-E, when the message had documents. */
  asicPath?: string;
  transportStatus: TransportStatus;
  apprecStatus?: ApplicationReceiptStatus;
}

export interface FakeDphIncoming {
  id: string;
  receiverHerId: number;
  senderHerId: number;
  businessDocumentId: string;
  businessDocumentDate?: string;
  isAppRec: boolean;
  /** The forretningsmelding's payload. */
  payload: string;
  signer: KeystoreEntry;
  /** The plain ASiC-E, encrypted to the caller when downloaded. */
  asicPath?: string;
  read: boolean;
  /** How many times it was downloaded. */
  downloads: number;
}

export interface QueueInput {
  id: string;
  sbd: StandardBusinessDocument;
  asicPath?: string;
  signer?: KeystoreEntry;
  payload?: string;
  isAppRec?: boolean;
}

export interface AdapterState {
  readonly sent: FakeDphMessage[];
  readonly inbox: FakeDphIncoming[];
  /** Keeps a verified message; resolves to its NHN id (the earlier one for a messageId seen before). */
  take(nhnId: string, verified: VerifiedOutgoing, asicPath: string | undefined): string;
  message(nhnId: string): FakeDphMessage;
  statuses(nhnId: string, receipts: 'auto' | 'manual'): Record<string, unknown>[];
  queue(input: QueueInput): void;
  waiting(herId: number): FakeDphIncoming[];
  incoming(id: string): FakeDphIncoming;
  markRead(id: string, herId: number): void;
}

export function createAdapterState(options: { key: KeystoreEntry; clock: Clock }): AdapterState {
  const sent: FakeDphMessage[] = [];
  const inbox: FakeDphIncoming[] = [];

  const state: AdapterState = {
    sent,
    inbox,
    take(nhnId, verified, asicPath) {
      const earlier = sent.find((m) => m.messageId === verified.messageId);
      if (earlier !== undefined) return earlier.nhnId;
      sent.push({ ...verified, nhnId, transportStatus: 'UNCONFIRMED', ...(asicPath === undefined ? {} : { asicPath }) });
      state.queue({ id: nhnId, sbd: verified.sbd, ...(asicPath === undefined ? {} : { asicPath }) });
      if (verified.type === 'dialogmelding_kvittering') relate(verified.sbd);
      return nhnId;
    },
    message(nhnId) {
      const found = sent.find((m) => m.nhnId === nhnId);
      if (found === undefined) throw new Refusal(404, `no message ${nhnId}`);
      return found;
    },
    statuses(nhnId, receipts) {
      const message = sent.find((m) => m.nhnId === nhnId);
      // The adapter answers an unknown id with an empty list (its OutHandler maps NHN's 404 so).
      if (message === undefined) return [];
      if (receipts === 'auto' && message.type === 'dialogmelding') advance(message);
      return [{
        receiverHerId: message.receiverHerId, transportStatus: message.transportStatus,
        ...(message.apprecStatus === undefined ? {} : { apprecStatus: message.apprecStatus }),
      }];
    },
    queue(input) {
      const header = input.sbd.standardBusinessDocumentHeader;
      const identification = header.documentIdentification;
      inbox.push({
        id: input.id,
        receiverHerId: herIdOf(receiverOf(input.sbd)),
        senderHerId: herIdOf(senderOf(input.sbd)),
        businessDocumentId: identification.instanceIdentifier ?? input.id,
        ...(identification.creationDateAndTime === undefined ? {} : { businessDocumentDate: identification.creationDateAndTime }),
        isAppRec: input.isAppRec ?? identification.type === 'dialogmelding_kvittering',
        payload: input.payload ?? JSON.stringify(input.sbd),
        signer: input.signer ?? options.key,
        ...(input.asicPath === undefined ? {} : { asicPath: input.asicPath }),
        read: false,
        downloads: 0,
      });
    },
    waiting: (herId) => inbox.filter((m) => !m.read && m.receiverHerId === herId),
    incoming(id) {
      const found = inbox.find((m) => m.id === id);
      if (found === undefined) throw new Refusal(404, `no incoming message ${id}`);
      return found;
    },
    markRead(id, herId) {
      const found = state.incoming(id);
      if (found.receiverHerId !== herId) throw new Refusal(403, `message ${id} is not for her-id:${herId}`);
      found.read = true;
    },
  };

  function advance(message: FakeDphMessage): void {
    if (message.transportStatus === 'UNCONFIRMED') message.transportStatus = 'ACKNOWLEDGED';
    else if (message.transportStatus === 'ACKNOWLEDGED' && message.apprecStatus === undefined) applicationReceiptFor(state, message.nhnId, 'OK', options.clock);
  }

  function relate(receipt: StandardBusinessDocument): void {
    const body = businessMessageOf(receipt);
    const related = body?.relatedToMessageId;
    const status = body?.status;
    const original = sent.find((m) => m.nhnId === related || (m.messageId === related && m.type === 'dialogmelding'));
    if (original !== undefined && (status === 'OK' || status === 'REJECTED' || status === 'OK_ERROR_IN_MESSAGE_PART')) original.apprecStatus = status;
  }

  return state;
}

/**
 * The receiver's application receipt of a sent dialogmelding: its status on the message, and a
 * dialogmelding_kvittering from the receiver waiting for the sender, relating to the messageId the
 * sender's case system knows.
 */
export function applicationReceiptFor(state: AdapterState, nhnId: string, status: ApplicationReceiptStatus, clock: Clock): void {
  const message = state.message(nhnId);
  message.apprecStatus = status;
  const messageId = randomUUID();
  const sbd: StandardBusinessDocument = {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: NHN_AUTHORITY, value: `her-id:${message.receiverHerId}` } }],
      receiver: [{ identifier: { authority: NHN_AUTHORITY, value: `her-id:${message.senderHerId}` } }],
      documentIdentification: {
        standard: STANDARDS.dialogmeldingKvittering, typeVersion: '2.0', instanceIdentifier: messageId, type: 'dialogmelding_kvittering',
        creationDateAndTime: formatOslo(clock.now()),
      },
      businessScope: { scope: [{ type: CONVERSATION_ID_SCOPE, instanceIdentifier: message.conversationId, identifier: PROCESSES.helseResponse, scopeInformation: [{ expectedResponseDateTime: formatOslo(new Date(clock.now().getTime() + RECEIPT_TTL_MS)) }] }] },
    },
    dialogmelding_kvittering: { relatedToMessageId: message.messageId, status, messages: [] },
  };
  state.queue({ id: randomUUID(), sbd, isAppRec: true });
}

function herIdOf(partner: ReturnType<typeof senderOf>): number {
  const parsed = partner === undefined ? undefined : parsePartnerIdentifier(partner.value, partner.authority);
  if (parsed?.kind !== 'nhn' || parsed.form !== 'her-id') throw new Refusal(400, 'the SBD must name nhn-actorid her-ids as sender and receiver');
  return Number(parsed.id);
}
