import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_RECEIVERS } from '../../../src/sandbox/index.js';
import {
  ARKIVMELDING, arkivmelding, asicEntries, eventually, PDF, RECEIVER, sbd, SENDER, startServiceSandbox, statusNames, untilStatus, type ServiceSandbox,
} from './support.js';

// DPF end to end through the sandbox's KS FIKS: 910077473 sends an arkivmelding to a municipality that
// only SvarUt reaches (SENDT and LEVERT at once, LEST by status polling once the municipality has read
// it), and a forsendelse another sender left in SvarInn for 910075918 reaches its case system through
// peek, pop and delete.

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('DPF through the sandbox', () => {
  it('reaches LEST once the receiving municipality has read the forsendelse', async () => {
    const { sender, network } = sandbox;
    const messageId = await sender.send(
      sbd({ receiver: SANDBOX_RECEIVERS.dpf.orgnr, ...ARKIVMELDING, business: { hoveddokument: 'vedtak.pdf' } }),
      arkivmelding('Søknad om skjenkebevilling'),
    );
    expect(statusNames(await untilStatus(sender, messageId, 'LEVERT'))).toEqual(['OPPRETTET', 'SENDT', 'LEVERT']);
    const [forsendelse] = network.svarUt.forsendelser().filter((f) => f.eksternref === messageId);
    expect(forsendelse).toMatchObject({ senderOrgnr: SENDER, mottakerOrgnr: SANDBOX_RECEIVERS.dpf.orgnr, status: 'MOTTATT' });
    expect(forsendelse?.documents.map((d) => d.filnavn)).toEqual(['vedtak.pdf']);

    // The municipality's archive has no daemon here; SvarUt is told it read the forsendelse.
    network.svarUt.setStatus(forsendelse?.id ?? '', 'LEST');
    expect(statusNames(await untilStatus(sender, messageId, 'LEST', 'status-poll'))).toEqual(['OPPRETTET', 'SENDT', 'LEVERT', 'LEST']);
  });

  it('hands a forsendelse from SvarInn to the case system, which peeks, pops and deletes it', async () => {
    const { receiver, network } = sandbox;
    const forsendelseId = await network.svarUt.deliver({
      mottakerOrgnr: RECEIVER, svarSendesTilOrgnr: SANDBOX_RECEIVERS.dpf.orgnr, tittel: 'Svar på søknad',
      metadata: { journalposttype: 'I', journalstatus: 'J', saksaar: '2026', sakssekvensnummer: '12' },
      files: [{ filnavn: 'svar.pdf', mimetype: 'application/pdf', content: PDF }],
    });
    const peeked = await eventually(async () => {
      await receiver.runJob('dpf-poll');
      return receiver.peek('DPF');
    }, 'the forsendelse at the case system');
    expect(peeked).toMatchObject({ standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: forsendelseId } } });
    const documents = await asicEntries(await receiver.pop(forsendelseId));
    expect(documents.get('svar.pdf')).toEqual(PDF);
    expect(documents.has('arkivmelding.xml')).toBe(true);
    await receiver.remove(forsendelseId);

    expect(statusNames(await receiver.statuses(forsendelseId))).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
    expect(network.svarUt.forsendelser().find((f) => f.id === forsendelseId)?.isAcknowledged).toBe(true);
    expect(await receiver.peek('DPF')).toBeUndefined();
  });
});
