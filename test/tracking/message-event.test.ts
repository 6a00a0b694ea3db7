import { describe, expect, it } from 'vitest';
import { messageEvent, toWireDocument } from '../../src/tracking/index.js';

const IDENTITY = { orgNumber: '991825827', version: 'v1.2.3', hostname: 'srv1' };
const at = new Date('2026-01-15T12:00:00Z');
const subject = {
  messageId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  conversationId: 'a1b2c3d4-0000-4000-8000-000000000001',
  serviceIdentifier: 'DPV',
  processIdentifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
  documentType: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
  sender: '0192:991825827',
  senderIdentifier: '991825827',
  receiver: '0192:987654321',
  receiverIdentifier: '987654321',
  messageType: 'arkivmelding',
  payloadSizeBytes: 2048,
};

describe(messageEvent.name, () => {
  it('maps a send to an AUDIT event with the reference audit markers', () => {
    const doc = toWireDocument(messageEvent({ kind: 'sent', to: 'altinn', at, subject }), IDENTITY);
    expect(doc).toMatchObject({
      '@timestamp': '2026-01-15T13:00:00+01:00',
      logger_name: 'AUDIT',
      level: 'INFO',
      message: `Message [id=${subject.messageId}, serviceIdentifier=DPV] sent to altinn`,
      conversation_id: subject.conversationId,
      message_id: subject.messageId,
      'message-type': 'arkivmelding',
      documenttype_identifier: subject.documentType,
      'payload-size': 2048,
      journalpost_id: null,
      orgnr: '991825827',
    });
  });

  it('writes each kind with its own text and a dead letter as an error', () => {
    const texts = [
      messageEvent({ kind: 'downloaded', at, subject }),
      messageEvent({ kind: 'locked', until: new Date('2026-01-15T12:05:00Z'), at, subject }),
      messageEvent({ kind: 'deleted', at, subject }),
      messageEvent({ kind: 'popped', at, subject }),
    ].map((e) => e.message);
    expect(texts).toEqual([
      `Downloaded message with id=${subject.messageId}`,
      `Message [id=${subject.messageId}] locked until 2026-01-15T13:05:00+01:00`,
      `Message [id=${subject.messageId}] deleted from queue`,
      `Pop - returning ASiC stream for message [id=${subject.messageId}]`,
    ]);
    const dead = messageEvent({ kind: 'dead-lettered', reason: 'receiver 01017012345 unknown', at, subject });
    expect(dead.level).toBe('ERROR');
    expect(toWireDocument(dead, IDENTITY).message).toBe(`Message [id=${subject.messageId}] moved to the dead letter queue: receiver ********** unknown`);
  });

  it('gives two audit events of the same kind different ids, since both really happened', () => {
    const a = messageEvent({ kind: 'locked', until: at, at, subject });
    const b = messageEvent({ kind: 'locked', until: at, at, subject });
    expect(a.eventId).not.toBe(b.eventId);
  });
});
