import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_RECEIVERS } from '../../../src/sandbox/index.js';
import { ARKIVMELDING, arkivmelding, PDF, sbd, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox } from './support.js';

// DPV end to end through the sandbox: 910077473 sends an arkivmelding to an agency that only Altinn
// correspondence reaches; status polling follows the correspondence as the fake moves it on at each look
// (published, then read), to LEST. On LEVERT the daemon puts an arkivmelding_kvittering OK in its own
// in-queue (generate-arkivmelding-receipts, on by default), which the case system peeks and deletes.

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPV through the sandbox', () => {
  it('reaches LEST through status polling as the recipient opens the correspondence', async () => {
    const { sender, network } = sandbox;
    const messageId = await sender.send(
      sbd({ receiver: SANDBOX_RECEIVERS.dpv.orgnr, ...ARKIVMELDING, business: { hoveddokument: 'vedtak.pdf' } }),
      arkivmelding('Tilskudd til kulturtiltak'),
    );
    await untilStatus(sender, messageId, 'SENDT');
    const [correspondence] = network.correspondence.correspondences.filter((c) => c.sendersReference === messageId);
    expect(correspondence?.recipient).toBe(`urn:altinn:organization:identifier-no:${SANDBOX_RECEIVERS.dpv.orgnr}`);
    expect(correspondence?.attachments.map((a) => [a.fileName, a.content.equals(PDF)])).toEqual([['vedtak.pdf', true]]);

    const rows = await untilStatus(sender, messageId, 'LEST', 'status-poll');
    expect(statusNames(rows)).toEqual(['OPPRETTET', 'SENDT', 'LEVERT', 'LEST']);

    const receipt = await sender.peek('DPV');
    expect(receipt).toMatchObject({
      standardBusinessDocumentHeader: { documentIdentification: { type: 'arkivmelding_kvittering' } },
      arkivmelding_kvittering: { receiptType: 'OK', relatedToMessageId: messageId },
    });
    const receiptId = (receipt as { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } } }).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
    await sender.remove(receiptId);
    expect(await sender.peek('DPV')).toBeUndefined();
    // The receipt was made up here: the original's statuses are only what Altinn reported.
    expect(statusNames(await sender.statuses(messageId))).toEqual(['OPPRETTET', 'SENDT', 'LEVERT', 'LEST']);
  });
});
