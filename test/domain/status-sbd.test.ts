import { describe, expect, it } from 'vitest';
import { createStatusSbd, type StandardBusinessDocument } from '../../src/domain/index.js';
import { sbdJson } from './builders.js';

const NOW = new Date('2019-03-25T11:38:23Z');

const original = (spec: Parameters<typeof sbdJson>[0] = {}): StandardBusinessDocument =>
  sbdJson({ sender: '0192:910075918', receiver: '0192:910077473', ...spec }) as unknown as StandardBusinessDocument;

describe(createStatusSbd.name, () => {
  it('answers with sender and receiver swapped, the same ids, the response process and the status body', () => {
    const sbd = createStatusSbd({ original: original(), status: 'MOTTATT', now: NOW, ttlHours: 24 });
    expect(sbd).toEqual({
      standardBusinessDocumentHeader: {
        headerVersion: '1.0',
        sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910077473' } }],
        receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910075918' } }],
        documentIdentification: {
          standard: 'urn:no:difi:eformidling:xsd::status',
          typeVersion: '2.0',
          instanceIdentifier: 'ff88849c-e281-4809-8555-7cd54952b001',
          type: 'status',
          creationDateAndTime: '2019-03-25T12:38:23+01:00',
        },
        businessScope: {
          scope: [{
            type: 'ConversationId',
            instanceIdentifier: '37efbd4c-413d-4e2c-bbc5-000000000001',
            identifier: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
            scopeInformation: [{ expectedResponseDateTime: '2019-03-26T12:38:23+01:00' }],
          }],
        },
      },
      status: { status: 'MOTTATT' },
    });
  });

  it('copies the MessageChannel scope so the answer reaches the right installation', () => {
    const channel = { type: 'MessageChannel', identifier: 'kanal-1' };
    const sbd = createStatusSbd({ original: original({ extraScopes: [{ type: 'SenderRef', instanceIdentifier: 'x' }, channel] }), status: 'LEVERT', now: NOW, ttlHours: 2 });
    expect(sbd?.standardBusinessDocumentHeader.businessScope.scope.slice(1)).toEqual([channel]);
    expect(sbd?.['status']).toEqual({ status: 'LEVERT' });
  });

  it('uses the family response process: einnsyn and avtalt', () => {
    const innsyn = createStatusSbd({
      original: original({ type: 'innsynskrav', standard: 'urn:no:difi:einnsyn:xsd::innsynskrav', process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0' }),
      status: 'MOTTATT', now: NOW, ttlHours: 24,
    });
    const avtalt = createStatusSbd({
      original: original({ type: 'avtalt', standard: 'urn:no:difi:avtalt:xsd::avtalt', process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }),
      status: 'MOTTATT', now: NOW, ttlHours: 24,
    });
    expect(innsyn?.standardBusinessDocumentHeader.businessScope.scope[0]?.identifier).toBe('urn:no:difi:profile:einnsyn:response:ver1.0');
    expect(avtalt?.standardBusinessDocumentHeader.businessScope.scope[0]?.identifier).toBe('urn:no:difi:profile:avtalt:response:ver1.0');
  });

  it('keeps a receipt in the response process it travelled in', () => {
    const receipt = original({
      type: 'arkivmelding_kvittering', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering',
      process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
    });
    expect(createStatusSbd({ original: receipt, status: 'MOTTATT', now: NOW, ttlHours: 24 })?.standardBusinessDocumentHeader.businessScope.scope[0]?.identifier)
      .toBe('urn:no:difi:profile:arkivmelding:response:ver1.0');
  });

  it('is undefined when the original cannot be answered', () => {
    expect(createStatusSbd({ original: original({ messageId: null }), status: 'MOTTATT', now: NOW, ttlHours: 24 })).toBeUndefined();
    expect(createStatusSbd({ original: original({ conversationId: null }), status: 'MOTTATT', now: NOW, ttlHours: 24 })).toBeUndefined();
  });
});
