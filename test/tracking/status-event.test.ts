import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { statusChangeEvent, toWireDocument } from '../../src/tracking/index.js';
import { aStatusChange } from './support/status-change.js';

const IDENTITY = { orgNumber: '991825827', version: 'v1.2.3', hostname: 'srv1', lastCommit: 'fd348ae' };
const FNR = '01017012345';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe(statusChangeEvent.name, () => {
  it('maps a status change to the reference STATUS event with every marker field (ops notes §3.2)', () => {
    const change = aStatusChange({ status: 'SENDT' });
    const doc = toWireDocument(statusChangeEvent(change), IDENTITY);
    const c = change.conversation;
    expect(doc).toEqual({
      '@timestamp': '2026-05-04T10:15:30.123+02:00',
      '@version': '1',
      logger_name: 'STATUS',
      level: 'INFO',
      level_value: 20000,
      message: `Message [id=${c.messageId}] updated with status "SENDT"`,
      appname: 'integrasjonspunkt',
      HOSTNAME: 'srv1',
      'buildinfo.version': 'v1.2.3',
      'buildinfo.lastcommit': 'fd348ae',
      orgnr: '991825827',
      correlation_id: c.messageId,
      conversation_id: c.conversationId,
      message_id: c.messageId,
      sender: '0192:991825827',
      sender_org_number: '991825827',
      receiver: '0192:987654321',
      receiver_org_number: '987654321',
      process_identifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      document_identifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      service_identifier: 'DPO',
      direction: 'OUTGOING',
      status: 'SENDT',
      description: null,
      event_id: statusChangeEvent(change).eventId,
    });
  });

  it('gives every announcement of one status change the same event id, and other changes other ids', () => {
    const change = aStatusChange({ status: 'SENDT', statusId: 41 });
    const again = statusChangeEvent(structuredClone(change)).eventId;
    expect(statusChangeEvent(change).eventId).toBe(again);
    expect(again).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = new Set([
      again,
      statusChangeEvent({ ...change, status: { ...change.status, status: 'LEVERT' } }).eventId,
      statusChangeEvent({ ...change, status: { ...change.status, id: 42 } }).eventId,
      statusChangeEvent({ ...change, conversation: { ...change.conversation, direction: 'INCOMING' } }).eventId,
    ]);
    expect(ids.size).toBe(4);
  });

  it('sends an 11-digit receiver as its SHA-256 hex and masks person numbers in free text', () => {
    const change = aStatusChange({
      status: 'FEIL',
      description: `Mottaker ${FNR} finnes ikke`,
      conversation: { receiver: FNR, receiverIdentifier: FNR, serviceIdentifier: 'DPI' },
    });
    const doc = toWireDocument(statusChangeEvent(change), IDENTITY);
    expect(doc.receiver).toBe(sha256(FNR));
    expect(doc.receiver_org_number).toBe(sha256(FNR));
    expect(doc.description).toBe('Mottaker ********** finnes ikke');
    expect(JSON.stringify(doc)).not.toContain(FNR);
  });

  it('keeps a message id and conversation id whose last group holds 11 digits as they are', () => {
    const messageId = 'e3d5f133-fec7-4946-a93a-21447223828a';
    const conversationId = '5b0f6c1e-8a3d-4f7e-9c2b-01017012345f';
    const change = aStatusChange({ conversation: { messageId, conversationId } });
    const doc = toWireDocument(statusChangeEvent(change), IDENTITY);
    expect([doc.message_id, doc.correlation_id, doc.conversation_id]).toEqual([messageId, messageId, conversationId]);
  });

  it('hashes a person number inside a prefixed identifier and in the sender fields', () => {
    const change = aStatusChange({ conversation: { sender: `9908:${FNR}`, senderIdentifier: FNR } });
    const doc = toWireDocument(statusChangeEvent(change), IDENTITY);
    expect(doc.sender).toBe(`9908:${sha256(FNR)}`);
    expect(doc.sender_org_number).toBe(sha256(FNR));
    expect(JSON.stringify(doc)).not.toContain(FNR);
  });

  it('leaves 9-digit organisation numbers and longer digit runs alone', () => {
    const change = aStatusChange({ description: 'ref 123456789012 for 987654321' });
    const doc = toWireDocument(statusChangeEvent(change), IDENTITY);
    expect(doc.description).toBe('ref 123456789012 for 987654321');
    expect(doc.receiver_org_number).toBe('987654321');
  });
});
