import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessage, errorOf, expectUploaded, jsonOf, pdfBytes, postJson, send } from '../support/http.js';
import { ARKIVMELDING_PROCESS, arkivmeldingSbd, arkivmeldingXml, innsynskravSbd, messageIdOf } from '../support/sbd.js';
import { startTestDaemon, type TestDaemon } from '../support/test-daemon.js';

// O1, O3, O5–O7 (api notes §2.2–§2.6, §5.1, §5.2, §5.4).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Sbd {
  standardBusinessDocumentHeader: {
    sender: { identifier: { value: string } }[];
    documentIdentification: { instanceIdentifier: string; creationDateAndTime: string };
    businessScope: { scope: { instanceIdentifier: string; scopeInformation: { expectedResponseDateTime: string }[] }[] };
  };
}

interface Page {
  content: Sbd[];
  totalElements: number;
  totalPages: number;
  numberOfElements: number;
  number: number;
}

async function uploadArkivmelding(t: TestDaemon, id: string, referenced: string[]): Promise<void> {
  await expectUploaded(t, id, { filename: 'arkivmelding.xml', contentType: 'application/xml', body: arkivmeldingXml('Vedtak', referenced) });
}

// One daemon for the describes that leave its settings and clock alone; each test uses its own ids.
let t: TestDaemon;
beforeAll(async () => { t = await startTestDaemon(); });
afterAll(async () => { await t.close(); });

describe('POST /api/messages/out (create)', () => {

  it('refuses a request without credentials with 401', async () => {
    const res = await t.api('/api/messages/out', { method: 'POST', auth: false, headers: { 'content-type': 'application/json' }, body: JSON.stringify(arkivmeldingSbd()) });
    expect(res.status).toBe(401);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t.api('/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"standardBusinessDocumentHeader":' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('Malformed JSON in the request body');
  });

  it('answers 400 with errors[] for a third top-level member', async () => {
    const res = await postJson(t, '/api/messages/out', { ...arkivmeldingSbd(), extra: {} });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('org.springframework.web.bind.MethodArgumentNotValidException');
    expect(body.errors?.map((e) => e.field)).toEqual(['extra']);
  });

  it('answers 400 with errors[] for a header missing its required parts', async () => {
    const res = await postJson(t, '/api/messages/out', { standardBusinessDocumentHeader: {}, arkivmelding: {} });
    expect(res.status).toBe(400);
    const fields = (await errorOf(res)).errors?.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining([
      'standardBusinessDocumentHeader.headerVersion', 'standardBusinessDocumentHeader.documentIdentification', 'standardBusinessDocumentHeader.businessScope',
    ]));
  });

  it('answers 400 for a body that is not an object', async () => {
    const res = await postJson(t, '/api/messages/out', ['not', 'an', 'sbd']);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('EFM_INVALID_SBD');
  });

  it('answers 400 UnknownMessageTypeException for an unknown type', async () => {
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({ type: 'strange', standard: 'urn:x:y::strange' }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.UnknownMessageTypeException');
    expect(body.message).toMatch(/^Unknown NextMove document type strange\. Expected one of the following values: .*arkivmelding/);
  });

  it('answers 400 when the type does not fit the standard', async () => {
    // The receiver takes this standard for the process, so the mismatch itself is what is refused.
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({
      process: 'urn:no:difi:profile:arkivmelding:response:ver1.0', standard: 'urn:no:difi:eformidling:xsd::status',
    }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('Message type arkivmelding does not match the document type urn:no:difi:eformidling:xsd::status');
  });

  it('answers 400 "Receiver do not accept the document process" with the registry text', async () => {
    const process = 'urn:no:difi:profile:arkivmelding:unknownArea:ver1.0';
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({ process }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException');
    expect(body.message).toBe(`Receiver do not accept the document process ${process}`);
    expect(body.description).toContain(process);
  });

  it('answers 400 for an expectedResponseDateTime in the past', async () => {
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({ expectedResponseDateTime: '2019-03-25T12:00:00+01:00' }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.errors?.map((e) => [e.code, e.field])).toEqual([['Future', 'standardBusinessDocumentHeader.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime']]);
  });

  it('answers 400 for a messageId that is not a UUID', async () => {
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({ messageId: 'not-a-uuid' }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).errors?.[0]?.defaultMessage).toBe("'not-a-uuid' is not a UUID.");
  });

  it('fills in sender, ids, creation time and expectedResponseDateTime (now + 24 h, Oslo offset)', async () => {
    const res = await postJson(t, '/api/messages/out', arkivmeldingSbd({ messageId: null, conversationId: null, sender: null, expectedResponseDateTime: null }));
    expect(res.status).toBe(200);
    expect(res.headers.get('api-version')).toBe('2.0.0');
    const sbd = await jsonOf<Sbd>(res);
    const header = sbd.standardBusinessDocumentHeader;
    expect(header.sender[0]?.identifier.value).toBe('0192:910077473');
    expect(header.documentIdentification.instanceIdentifier).toMatch(UUID);
    expect(header.documentIdentification.creationDateAndTime).toBe('2019-03-25T12:38:23+01:00');
    const scope = header.businessScope.scope[0];
    expect(scope?.instanceIdentifier).toMatch(UUID);
    expect(scope?.scopeInformation[0]?.expectedResponseDateTime).toBe('2019-03-26T12:38:23+01:00');

    const id = header.documentIdentification.instanceIdentifier;
    expect(await jsonOf(await t.api(`/api/messages/out/${id}`))).toEqual(sbd);
    const conversation = await jsonOf<{ messageStatuses: { status: string }[]; conversationId: string; serviceIdentifier: string }>(await t.api(`/api/conversations/messageId/${id}`));
    expect(conversation.conversationId).toBe(scope?.instanceIdentifier);
    expect(conversation.serviceIdentifier).toBe('DPO');
    expect(conversation.messageStatuses.map((s) => s.status)).toEqual(['OPPRETTET']);
  });

  it('answers 400 MessageAlreadyExistsException for a messageId already in the out-queue', async () => {
    const sbd = arkivmeldingSbd();
    await createMessage(t, sbd);
    const res = await postJson(t, '/api/messages/out', sbd);
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException');
    expect(body.message).toBe(`Message with messageId = ${messageIdOf(sbd)} already exists`);
  });

  it('answers 400 for a messageId whose conversation exists although the draft was deleted', async () => {
    const sbd = arkivmeldingSbd();
    await createMessage(t, sbd);
    expect((await t.api(`/api/messages/out/${messageIdOf(sbd)}`, { method: 'DELETE' })).status).toBe(200);
    const res = await postJson(t, '/api/messages/out', { ...sbd });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe(`Message with messageId = ${messageIdOf(sbd)} already exists`);
  });
});

describe('POST /api/messages/out for a service that is not enabled', () => {
  let withoutDpe: TestDaemon;
  beforeAll(async () => { withoutDpe = await startTestDaemon({ config: { 'difi.move.feature.enableDPE': false } }); });
  afterAll(async () => { await withoutDpe.close(); });

  it('answers 400 ServiceNotEnabledException when the receiver takes the process over DPE only', async () => {
    const res = await postJson(withoutDpe, '/api/messages/out', innsynskravSbd());
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.ServiceNotEnabledException');
    expect(body.message).toBe('Service DPE is not enabled');
    expect((await jsonOf<Page>(await withoutDpe.api('/api/messages/out'))).totalElements).toBe(0);
  });
});

describe('POST /api/messages/out/{messageId} (send)', () => {

  it('answers 404 for an unknown messageId', async () => {
    const res = await send(t, '6f1c9a52-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toBe('Message with messageId = 6f1c9a52-0000-4000-8000-000000000000 was not found');
  });

  it('answers 400 MissingFileException for a message without files', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    const res = await send(t, id);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('There must always be at least one attachment');
  });

  it('answers 400 for an arkivmelding without arkivmelding.xml', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await expectUploaded(t, id, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes() });
    const res = await send(t, id);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('DPO message type requires arkivmelding.xml attachment');
  });

  it('answers 400 naming the files arkivmelding.xml references but the message lacks', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await uploadArkivmelding(t, id, ['vedtak.pdf', 'vedlegg.pdf']);
    await expectUploaded(t, id, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes() });
    const res = await send(t, id);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('File(s) defined in arkivmelding, but not found in message: vedlegg.pdf');
  });

  it('queues a complete message (still listed) and refuses to send it twice', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    await uploadArkivmelding(t, id, ['vedtak.pdf']);
    await expectUploaded(t, id, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes() });
    const first = await send(t, id);
    expect(first.status, await first.text()).toBe(200);

    const listed = await jsonOf<Page>(await t.api(`/api/messages/out?messageId=${id}`));
    expect(listed.content.map((m) => m.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier)).toEqual([id]);
    expect((await t.daemon.store.findMessage('OUTGOING', id))?.state).toBe('QUEUED');

    const second = await send(t, id);
    expect(second.status).toBe(400);
    expect((await errorOf(second)).message).toBe(`Message with messageId = ${id} has already been sent and can no longer be changed`);
  });
});

describe('sending a message whose time to live has passed', () => {
  // Restarted with a later clock, so a daemon of its own.
  let later: TestDaemon;
  beforeEach(async () => { later = await startTestDaemon(); });
  afterEach(async () => { await later.close(); });

  it('answers 400 TimeToLiveException and registers LEVETID_UTLOPT', async () => {
    const id = messageIdOf(await createMessage(later, arkivmeldingSbd({ expectedResponseDateTime: '2019-03-25T13:38:23+01:00' })));
    await uploadArkivmelding(later, id, ['vedtak.pdf']);
    await expectUploaded(later, id, { filename: 'vedtak.pdf', contentType: 'application/pdf', body: pdfBytes() });

    await later.restart({ 'efm.clock.fixed': '2019-03-25T14:00:00Z' });

    const res = await send(later, id);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('ExpectedResponseDateTime 2019-03-25T13:38:23+01:00 has been exceeded. Please resend the message');
    const statuses = await jsonOf<{ content: { status: string }[] }>(await later.api(`/api/statuses/${id}`));
    expect(statuses.content.map((s) => s.status)).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
  });
});

describe('GET and DELETE /api/messages/out', () => {

  const PROCESS = 'urn:no:difi:profile:arkivmelding:kulturIdrettOgFritid:ver1.0';

  it('answers 404 MessageNotFoundException for an unknown messageId', async () => {
    const res = await t.api('/api/messages/out/no-such-message');
    expect(res.status).toBe(404);
    const body = await errorOf(res);
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MessageNotFoundException');
    expect(body.message).toBe('Message with messageId = no-such-message was not found');
  });

  it('answers 400 for an unknown serviceIdentifier filter', async () => {
    const res = await t.api('/api/messages/out?serviceIdentifier=XYZ');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("'serviceIdentifier'");
  });

  it('answers 400 for a page that is not a number', async () => {
    expect((await t.api('/api/messages/out?page=first')).status).toBe(400);
  });

  it('filters by process, receiver and service and pages the result', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(messageIdOf(await createMessage(t, arkivmeldingSbd({ process: PROCESS }))));
    await createMessage(t, arkivmeldingSbd({ process: ARKIVMELDING_PROCESS }));

    const first = await jsonOf<Page>(await t.api(`/api/messages/out?processIdentifier=${encodeURIComponent(PROCESS)}&size=2`));
    expect(first).toMatchObject({ totalElements: 3, totalPages: 2, numberOfElements: 2, number: 0 });
    const second = await jsonOf<Page>(await t.api(`/api/messages/out?processIdentifier=${encodeURIComponent(PROCESS)}&size=2&page=1`));
    expect(second).toMatchObject({ numberOfElements: 1, number: 1 });
    const seen = [...first.content, ...second.content].map((m) => m.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
    expect(seen.sort()).toEqual([...ids].sort());

    const byReceiver = await jsonOf<Page>(await t.api(`/api/messages/out?receiverIdentifier=910075918&serviceIdentifier=DPO&processIdentifier=${encodeURIComponent(PROCESS)}`));
    expect(byReceiver.totalElements).toBe(3);
    expect((await jsonOf<Page>(await t.api(`/api/messages/out?receiverIdentifier=910077473&processIdentifier=${encodeURIComponent(PROCESS)}`))).totalElements).toBe(0);
    expect((await jsonOf<Page>(await t.api('/api/messages/out?serviceIdentifier=DPE'))).totalElements).toBe(0);
    expect((await jsonOf<Page>(await t.api(`/api/messages/out?messageId=${ids[1]}`))).content).toHaveLength(1);
  });

  it('deletes a draft (200) and keeps its conversation; an unknown id is also 200', async () => {
    const id = messageIdOf(await createMessage(t, arkivmeldingSbd()));
    expect((await t.api(`/api/messages/out/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.api(`/api/messages/out/${id}`)).status).toBe(404);
    expect((await t.api(`/api/conversations/messageId/${id}`)).status).toBe(200);
    expect((await t.api('/api/messages/out/no-such-message', { method: 'DELETE' })).status).toBe(200);
  });
});
