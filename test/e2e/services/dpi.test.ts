import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_KEY_HOLDERS, SANDBOX_RECEIVERS } from '../../../src/sandbox/index.js';
import { PDF, sbd, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox } from './support.js';

// DPI end to end through the sandbox: 910077473 sends a digital letter to a citizen's mailbox and a
// letter for print through corner 2; status polling makes corner 2 hand each letter on, and the receipts
// that come back (delivered, opened, taken for print) give the statuses, through the dpi-receipts job.

const PROCESS = 'urn:no:difi:profile:digitalpost:vedtak:ver1.0';
const VEDTAK = [{ filename: 'vedtak.pdf', mimetype: 'application/pdf', content: PDF, title: 'Vedtak' }];
const ADDRESS = { navn: 'Kari Nordmann', adresselinje1: 'Storgata 1', postnummer: '0155', poststed: 'Oslo', land: 'Norge' };

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPI through the sandbox', () => {
  it('reaches LEVERT when the mailbox has the letter and LEST when the citizen opens it', async () => {
    const { sender, network } = sandbox;
    const messageId = await sender.send(sbd({
      receiver: SANDBOX_RECEIVERS.citizen.fnr, process: PROCESS, standard: 'urn:no:difi:digitalpost:xsd:digital::digital',
      business: { sikkerhetsnivaa: 3, hoveddokument: 'vedtak.pdf', tittel: 'Vedtak', spraak: 'NO', digitalPostInfo: { virkningsdato: '2026-01-01', aapningskvittering: 'true' } },
    }), VEDTAK);
    await untilStatus(sender, messageId, 'SENDT');
    const [letter] = network.corner2.letters.filter((l) => l.messageId === messageId);
    expect(letter).toMatchObject({ type: 'digital', providerOrgnr: SANDBOX_KEY_HOLDERS.mailboxProvider, documents: ['manifest.xml', 'vedtak.pdf'] });

    await sender.runJob('status-poll');
    expect(statusNames(await untilStatus(sender, messageId, 'LEVERT', 'dpi-receipts'))).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);

    await network.corner2.addReceipt(messageId, 'aapningskvittering');
    expect(statusNames(await untilStatus(sender, messageId, 'LEST', 'dpi-receipts'))).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
    expect(network.corner2.unreadReceipts()).toBe(0);
  });

  it('sends a print letter to the printer the KRR print lookup names, and reaches LEVERT when it is taken for print', async () => {
    const { sender, network } = sandbox;
    const messageId = await sender.send(sbd({
      receiver: SANDBOX_RECEIVERS.citizen.fnr, process: PROCESS, standard: 'urn:no:difi:digitalpost:xsd:fysisk::print',
      business: {
        hoveddokument: 'vedtak.pdf', mottaker: ADDRESS, utskriftsfarge: 'SORT_HVIT', posttype: 'B_OEKONOMI',
        retur: { mottaker: { ...ADDRESS, navn: 'Sandbox sender kommune' }, returhaandtering: 'DIREKTE_RETUR' },
      },
    }), VEDTAK);
    await untilStatus(sender, messageId, 'SENDT');
    expect(network.corner2.letters.filter((l) => l.messageId === messageId).map((l) => [l.type, l.providerOrgnr])).toEqual([['utskrift', SANDBOX_KEY_HOLDERS.printProvider]]);

    await sender.runJob('status-poll');
    expect(statusNames(await untilStatus(sender, messageId, 'LEVERT', 'dpi-receipts'))).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
  });
});
