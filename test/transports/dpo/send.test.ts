import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequenceIds } from '../../../src/ids/index.js';
import { AltinnBrokerUnavailableError } from '../../../src/transports/dpo/index.js';
import { PermanentSendError } from '../../../src/transports/index.js';
import {
  openEncryptedAsic, outgoingMessage, PART, RECEIVER, SENDER, sendContext, startDpoWorld, storedUpload, zipEntries,
  type DpoWorld, type Party,
} from './support.js';

let world: DpoWorld;
let sender: Party;
let receiverKey: Party['key'];
let receiverCertificate: string;

beforeAll(async () => {
  world = await startDpoWorld();
  sender = await world.party(SENDER, { config: { 'efm.dpo.reportees': [`0192:${PART}=${PART}_integrasjonspunkt_systembruker_${PART}`] } });
  receiverKey = (await world.party(RECEIVER)).key;
  receiverCertificate = receiverKey.certificate.toString();
});
afterAll(() => world.close());

const latestTransfer = () => {
  const transfer = world.altinn.transfers().at(-1);
  if (transfer === undefined) throw new Error('the broker holds no transfer');
  return transfer;
};

describe('DPO send', () => {
  it('uploads sbd.zip with sbd.json and an asic.zip that decrypts with the receiver key into the signed ASiC-E', async () => {
    const message = await outgoingMessage({ receiverCertificate });
    const result = await sender.transport.send(message, sendContext());
    expect(result).toEqual({});

    const transfer = latestTransfer();
    expect(transfer).toMatchObject({ status: 'Published', fileName: 'sbd.zip', sender: `0192:${SENDER}`, resourceId: 'eformidling-dpo-meldingsutveksling' });
    expect(transfer.recipients.map((r) => [r.recipient, r.status])).toEqual([[`0192:${RECEIVER}`, 'Initialized']]);
    const entries = await zipEntries(await storedUpload(world.altinn, transfer.fileTransferId));
    expect(entries.map((e) => e.name)).toEqual(['sbd.json', 'asic.zip']);
    expect(JSON.parse(entries[0]?.data.toString('utf8') ?? '')).toEqual(message.message.sbd);

    const { result: asic, entries: asicEntries } = await openEncryptedAsic(entries[1]?.data ?? Buffer.alloc(0), receiverKey);
    expect(asic.signatureForm).toBe('cades');
    expect(asic.signatureError).toBeUndefined();
    expect(asic.signature?.signer.subject).toContain(SENDER);
    expect(asic.documents.map((d) => [d.name, d.mimetype, d.digestMatches])).toEqual([
      ['manifest.xml', 'application/xml', true],
      ['arkivmelding.xml', 'application/xml', true],
      ['test.txt', 'text/plain', true],
    ]);
    const manifest = asicEntries.find((e) => e.name === 'manifest.xml')?.data.toString('utf8');
    expect(manifest).toContain(`<organisasjon authority="iso6523-actorid-upis">0192:${RECEIVER}</organisasjon>`);
    expect(manifest).toContain('<hoveddokument href="arkivmelding.xml" mime="application/xml">');
    expect(asicEntries.find((e) => e.name === 'test.txt')?.data.toString('utf8')).toBe('Testing 1 2 3');
  });

  it('puts the primary document first in the ASiC-E, after the business manifest', async () => {
    const message = await outgoingMessage({ receiverCertificate }, {
      documents: [
        { filename: 'vedlegg.txt', mimetype: 'text/plain', content: Buffer.from('vedlegg') },
        { filename: 'vedtak.pdf', mimetype: 'application/pdf', content: Buffer.from('%PDF-1.4'), primaryDocument: true },
      ],
    });
    await sender.transport.send(message, sendContext());
    const entries = await zipEntries(await storedUpload(world.altinn, latestTransfer().fileTransferId));
    const { result } = await openEncryptedAsic(entries[1]?.data ?? Buffer.alloc(0), receiverKey);
    expect(result.documents.map((d) => d.name)).toEqual(['manifest.xml', 'vedtak.pdf', 'vedlegg.txt']);
  });

  it('takes the sendersFileTransferReference from the id generator and stores it with the fileTransferId before the upload', async () => {
    const party = await world.party(SENDER, { ids: sequenceIds(['19efbd4c-413d-4e2c-bbc5-257ef4a65b38']) });
    const context = sendContext();
    world.altinn.failures.failNext(1, { path: /\/upload$/ });
    await expect(party.transport.send(await outgoingMessage({ receiverCertificate }), context)).rejects.toBeInstanceOf(AltinnBrokerUnavailableError);
    const transfer = latestTransfer();
    expect(transfer.status).toBe('Initialized');
    expect(context.saved).toEqual([{ fileTransferId: transfer.fileTransferId, sendersFileTransferReference: '19efbd4c-413d-4e2c-bbc5-257ef4a65b38' }]);
    expect(transfer.sendersFileTransferReference).toBe('19efbd4c-413d-4e2c-bbc5-257ef4a65b38');
  });

  it('retries an upload into the saved transfer instead of starting a second one', async () => {
    const message = await outgoingMessage({ receiverCertificate });
    const context = sendContext();
    world.altinn.failures.failNext(1, { path: /\/upload$/, mode: 'reset' });
    await expect(sender.transport.send(message, context)).rejects.toBeInstanceOf(AltinnBrokerUnavailableError);
    const before = world.altinn.transfers().length;
    await sender.transport.send(message, context);
    expect(world.altinn.transfers()).toHaveLength(before);
    expect(world.altinn.transfers().find((t) => t.fileTransferId === context.state.fileTransferId)?.status).toBe('Published');
  });

  it('sends nothing again when the saved transfer is already published', async () => {
    const message = await outgoingMessage({ receiverCertificate });
    const context = sendContext();
    await sender.transport.send(message, context);
    const before = world.altinn.transfers().length;
    await sender.transport.send(message, context);
    expect(world.altinn.transfers()).toHaveLength(before);
    expect(context.saved).toHaveLength(1);
  });

  it('replaces a saved transfer the broker does not know with a new one under the same reference', async () => {
    const context = sendContext({ fileTransferId: '00000000-0000-4000-8000-000000000000', sendersFileTransferReference: 'c0ffee00-0000-4000-8000-000000000001' });
    await sender.transport.send(await outgoingMessage({ receiverCertificate }), context);
    const transfer = latestTransfer();
    expect(transfer.fileTransferId).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(transfer.sendersFileTransferReference).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(transfer.status).toBe('Published');
  });

  it('uploads only sbd.json for a status message, and a reply to another channel goes out under that channel', async () => {
    const message = await outgoingMessage({ receiverCertificate }, { type: 'status', documents: [], certificatePem: null, scopes: [{ identifier: 'kanal-b' }] });
    await sender.transport.send(message, sendContext());
    const transfer = latestTransfer();
    expect(transfer.sendersFileTransferReference).toBe('kanal-b');
    const entries = await zipEntries(await storedUpload(world.altinn, transfer.fileTransferId));
    expect(entries.map((e) => e.name)).toEqual(['sbd.json']);
  });

  it('sends on behalf of a reportee as its system user, with the sender 0192:<part> in sbd.json', async () => {
    const message = await outgoingMessage({ receiverCertificate }, { from: PART, senderValue: `0192:${SENDER}:${PART}` });
    await sender.transport.send(message, sendContext());
    const transfer = latestTransfer();
    expect(transfer.sender).toBe(`0192:${PART}`);
    const grant = world.maskinporten.issued.at(-1);
    expect(grant).toMatchObject({ orgnr: SENDER, systemUserOrg: `0192:${PART}`, systemUserName: `${PART}_integrasjonspunkt_systembruker_${PART}` });
    const sbd = JSON.parse((await zipEntries(await storedUpload(world.altinn, transfer.fileTransferId)))[0]?.data.toString('utf8') ?? '{}') as { standardBusinessDocumentHeader: { sender: { identifier: { value: string } }[] } };
    expect(sbd.standardBusinessDocumentHeader.sender[0]?.identifier.value).toBe(`0192:${PART}`);
  });

  it('gives a retryable error while the broker fails, and no transfer', async () => {
    const before = world.altinn.transfers().length;
    world.altinn.failures.failRate(1);
    try {
      const error: unknown = await sender.transport.send(await outgoingMessage({ receiverCertificate }), sendContext()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AltinnBrokerUnavailableError);
      expect(error).not.toBeInstanceOf(PermanentSendError);
    } finally {
      world.altinn.failures.clear();
    }
    expect(world.altinn.transfers()).toHaveLength(before);
  });

  it('gives PermanentSendError when the broker refuses for good (an unregistered resource)', async () => {
    const party = await world.party(SENDER, { config: { 'efm.dpo.resource': 'no-such-resource' } });
    const error: unknown = await party.transport.send(await outgoingMessage({ receiverCertificate }), sendContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).message).toContain('403');
  });

  it('gives PermanentSendError for a sender organisation without a system user', async () => {
    const message = await outgoingMessage({ receiverCertificate }, { from: '974720760', senderValue: `0192:${SENDER}:974720760` });
    await expect(sender.transport.send(message, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('gives PermanentSendError when the receiver record has no certificate to encrypt to', async () => {
    const message = await outgoingMessage({ receiverCertificate }, { certificatePem: null });
    await expect(sender.transport.send(message, sendContext())).rejects.toThrow(/no certificate/);
  });
});
