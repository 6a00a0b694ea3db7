import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asicEntries, eventually, PDF, sbd, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox } from './support.js';

// DPH end to end through the sandbox's nhn-adapter, the contract no reference feature gives: the health
// unit of 910077473 sends a dialogmelding to that of 910075918; its poll takes it and its case system
// peeks, pops and deletes it; the sender's status polling sees NHN's transport acknowledgement (MOTTATT)
// and the application receipt (LEVERT), whose dialogmelding_kvittering reaches the sender's case system.

const DIALOGMELDING = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2013-01-23"/>');

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPH through the sandbox', () => {
  it('reaches LEVERT on the receiver\'s application receipt, after its case system took the dialogmelding', async () => {
    const { sender, receiver, network } = sandbox;
    const messageId = await sender.send(sbd({
      sender: `her-id:${sender.organisation.herId}`, receiver: `her-id:${receiver.organisation.herId}`, authority: 'nhn-actorid',
      process: 'urn:no:difi:profile:helse:helse:ver1.0', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding',
      business: {
        hoveddokument: 'dialogmelding.xml', pasient: { fnr: '17912099997', fornavn: 'Kari', etternavn: 'Nordmann' },
        metadataFiler: { 'epikrise.pdf': { issueDate: '2026-01-01T10:00:00Z', description: 'Epikrise' } },
      },
    }), [
      { filename: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING, title: 'Dialogmelding' },
      { filename: 'epikrise.pdf', mimetype: 'application/pdf', content: PDF, title: 'Epikrise' },
    ]);
    await untilStatus(sender, messageId, 'SENDT');
    expect(network.nhnAdapter.sent.filter((m) => m.messageId === messageId).map((m) => m.documents)).toEqual([['dialogmelding.xml', 'epikrise.pdf']]);

    const peeked = await eventually(async () => {
      await receiver.runJob('dph-poll');
      return receiver.peek('DPH');
    }, 'the dialogmelding at the receiver');
    expect(peeked).toMatchObject({ standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: messageId } } });
    const documents = await asicEntries(await receiver.pop(messageId));
    expect([documents.get('dialogmelding.xml'), documents.get('epikrise.pdf')]).toEqual([DIALOGMELDING, PDF]);
    await receiver.remove(messageId);
    expect(statusNames(await receiver.statuses(messageId))).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);

    expect(statusNames(await untilStatus(sender, messageId, 'LEVERT', 'status-poll'))).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    const receipt = await eventually(async () => {
      await sender.runJob('dph-poll');
      return sender.peek('DPH');
    }, 'the application receipt at the sender');
    expect(receipt).toMatchObject({ dialogmelding_kvittering: { relatedToMessageId: messageId, status: 'OK' } });
  });
});
