import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARKIVMELDING, arkivmelding, asicEntries, eventually, PDF, RECEIVER, sbd, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox,
} from './support.js';

// DPO end to end through the sandbox: 910077473 sends an arkivmelding over the Altinn broker; 910075918's
// poll takes it and says MOTTATT, its case system peeks, pops and deletes it and LEVERT goes back.

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPO through the sandbox', () => {
  it('reaches LEVERT once the receiving case system has taken the message', async () => {
    const { sender, receiver } = sandbox;
    const messageId = await sender.send(sbd({ receiver: RECEIVER, ...ARKIVMELDING, business: { hoveddokument: 'vedtak.pdf' } }), arkivmelding('Vedtak om byggesak'));
    await untilStatus(sender, messageId, 'SENDT');

    const peeked = await eventually(async () => {
      await receiver.runJob('dpo-poll');
      return receiver.peek('DPO');
    }, 'the message at the receiver');
    expect(peeked).toMatchObject({ standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: messageId } } });
    expect((await asicEntries(await receiver.pop(messageId))).get('vedtak.pdf')).toEqual(PDF);
    await receiver.remove(messageId);

    const rows = await untilStatus(sender, messageId, 'LEVERT', 'dpo-poll');
    expect(statusNames(rows)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    // One file transfer carried the message; the receiver's MOTTATT and LEVERT came back in two more.
    expect(sandbox.network.altinn.transfers().map((t) => [t.sender, t.status])).toEqual([
      ['0192:910077473', 'AllConfirmedDownloaded'], ['0192:910075918', 'AllConfirmedDownloaded'], ['0192:910075918', 'AllConfirmedDownloaded'],
    ]);
  });
});
