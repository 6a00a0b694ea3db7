import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asicEntries, eventually, PDF, RECEIVER, sbd, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox } from './support.js';

// DPE end to end through the sandbox's Service Bus: 910077473, in eInnsyn's part, sends an innsynskrav to
// 910075918's innsyn queue; 910075918's poll takes it and says MOTTATT on 910077473's data queue, its case
// system peeks, pops and deletes it, and LEVERT follows the same way.

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPE through the sandbox', () => {
  it('reaches LEVERT once the receiving case system has taken the innsynskrav', async () => {
    const { sender, receiver, network } = sandbox;
    const messageId = await sender.send(sbd({
      receiver: RECEIVER, process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
      business: { orgnr: '910077473', epost: 'innsyn@sandbox.invalid' },
    }), [{ filename: 'bestilling.pdf', mimetype: 'application/pdf', content: PDF, title: 'Bestilling' }]);
    await untilStatus(sender, messageId, 'SENDT');
    expect(network.serviceBus.messages(`nextbestqueue${RECEIVER}innsyn`)).toHaveLength(1);

    const peeked = await eventually(async () => {
      await receiver.runJob('dpe-poll');
      return receiver.peek('DPE');
    }, 'the innsynskrav at the receiver');
    expect(peeked).toMatchObject({ innsynskrav: { orgnr: '910077473', epost: 'innsyn@sandbox.invalid' } });
    expect((await asicEntries(await receiver.pop(messageId))).get('bestilling.pdf')).toEqual(PDF);
    await receiver.remove(messageId);
    expect(statusNames(await receiver.statuses(messageId))).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);

    expect(statusNames(await untilStatus(sender, messageId, 'LEVERT', 'dpe-poll'))).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(network.serviceBus.messages(`nextbestqueue${RECEIVER}innsyn`)).toHaveLength(0);
    expect(network.serviceBus.refusals).toEqual([]);
  });
});
