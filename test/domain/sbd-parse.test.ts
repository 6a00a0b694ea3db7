import { describe, expect, it } from 'vitest';
import {
  EfmError, InvalidSbdError, UnknownMessageTypeError, expectedResponseDateTimeProblem, parseStandardBusinessDocument,
  type FieldProblem,
} from '../../src/domain/index.js';
import { CREATE_VALIDATION_ROWS, HARNESS_NOW, sbd, sbdJson } from './builders.js';

const H = 'standardBusinessDocumentHeader';

function problemsOf(json: unknown, options = {}): FieldProblem[] {
  try {
    parseStandardBusinessDocument(json, options);
  } catch (e) {
    if (e instanceof EfmError) return e.problems;
    throw e;
  }
  throw new Error('expected the SBD to be refused');
}

function header(json: Record<string, unknown>): Record<string, unknown> {
  return json[H] as Record<string, unknown>;
}

describe(parseStandardBusinessDocument.name, () => {
  it('accepts the three SBDs of the create-validation feature at the harness clock', () => {
    for (const row of CREATE_VALIDATION_ROWS) {
      const json = sbdJson(row);
      expect(parseStandardBusinessDocument(json, { now: HARNESS_NOW })).toBe(json);
    }
  });

  it('accepts the business message before the header and keeps unknown header members', () => {
    const json = sbdJson();
    header(json).manifest = { numberOfItems: 0 };
    (header(json).documentIdentification as Record<string, unknown>).multipleType = false;
    const reordered = { arkivmelding: json.arkivmelding, [H]: json[H] };
    const parsed = parseStandardBusinessDocument(reordered);
    expect(parsed[H].manifest).toEqual({ numberOfItems: 0 });
    expect(parsed[H].documentIdentification.multipleType).toBe(false);
  });

  it('accepts a type in another case with the business message under the lowercase name', () => {
    expect(() => parseStandardBusinessDocument(sbdJson({ type: 'Arkivmelding', businessName: 'arkivmelding' }))).not.toThrow();
  });

  it('refuses a body that is no object', () => {
    expect(() => parseStandardBusinessDocument([])).toThrow(InvalidSbdError);
    expect(() => parseStandardBusinessDocument('{}')).toThrow(InvalidSbdError);
  });

  it('refuses a third top-level member and a missing business message', () => {
    const extra = { ...sbdJson(), other: {} };
    expect(problemsOf(extra)).toEqual([expect.objectContaining({ field: 'other', code: 'SbdBinding' })]);
    const missing = sbdJson();
    delete missing.arkivmelding;
    expect(problemsOf(missing)).toEqual([expect.objectContaining({ field: 'arkivmelding', code: 'NotNull' })]);
  });

  it('refuses a business message under another name than the type', () => {
    const fields = problemsOf(sbdJson({ businessName: 'digital' })).map((p) => p.field);
    expect(fields).toEqual(['digital', 'arkivmelding']);
  });

  it('refuses a business message that is not an object', () => {
    for (const business of [null, 'text', [1]]) {
      const json = sbdJson();
      json.arkivmelding = business;
      expect(problemsOf(json)).toEqual([expect.objectContaining({ field: 'arkivmelding', message: 'must be a JSON object' })]);
    }
  });

  it('accepts an empty business message', () => {
    expect(() => parseStandardBusinessDocument(sbdJson({ business: {} }))).not.toThrow();
  });

  it('reports every header problem at once with Spring-style fields', () => {
    const json = sbdJson({ messageId: 'not-a-uuid', conversationId: 'also-not' });
    delete header(json).headerVersion;
    const di = header(json).documentIdentification as Record<string, unknown>;
    delete di.typeVersion;
    const scopes = (header(json).businessScope as { scope: Record<string, unknown>[] }).scope;
    scopes.push({ type: 'Strange', instanceIdentifier: 'x' });
    expect(problemsOf(json)).toEqual([
      { field: `${H}.headerVersion`, message: 'must not be null', code: 'NotNull' },
      { field: `${H}.documentIdentification.typeVersion`, message: 'must not be null', code: 'NotNull' },
      { field: `${H}.documentIdentification.instanceIdentifier`, message: "'not-a-uuid' is not a UUID.", code: 'UUID', rejectedValue: 'not-a-uuid' },
      { field: `${H}.businessScope.scope[0].instanceIdentifier`, message: "'also-not' is not a UUID.", code: 'UUID', rejectedValue: 'also-not' },
      {
        field: `${H}.businessScope.scope[1].type`,
        message: "'Strange' is not expected. Allowed values are: [ConversationId, SenderRef, ReceiverRef, JournalpostId, ParentId, MessageChannel]",
        code: 'OneOf',
        rejectedValue: 'Strange',
      },
    ]);
  });

  it('lets an empty conversation id through, since create fills it', () => {
    expect(() => parseStandardBusinessDocument(sbdJson({ conversationId: '' }))).not.toThrow();
    expect(() => parseStandardBusinessDocument(sbdJson({ conversationId: null }))).not.toThrow();
  });

  it('requires a ConversationId scope that names the process', () => {
    const json = sbdJson();
    header(json).businessScope = { scope: [{ type: 'SenderRef', instanceIdentifier: 'abc' }] };
    expect(problemsOf(json)).toEqual([expect.objectContaining({ field: `${H}.businessScope.scope`, code: 'ConversationId' })]);
    expect(problemsOf(sbdJson({ process: '' }))).toEqual([expect.objectContaining({ field: `${H}.businessScope.scope[0].identifier` })]);
    const empty = sbdJson();
    header(empty).businessScope = { scope: [] };
    expect(problemsOf(empty)).toEqual([expect.objectContaining({ code: 'NotEmpty' })]);
  });

  it('refuses an unknown type with the reference message and the field problem', () => {
    const json = sbdJson({ type: 'strange' });
    let error: unknown;
    try { parseStandardBusinessDocument(json); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UnknownMessageTypeError);
    const e = error as UnknownMessageTypeError;
    expect(e.message).toBe('Unknown NextMove document type strange. Expected one of the following values: '
      + 'status, feil, arkivmelding, avtalt, digital, digital_dpv, print, dialogmelding, innsynskrav, publisering');
    expect(e.kind).toBe('validation');
    expect(e.exception).toBe('no.difi.meldingsutveksling.exceptions.UnknownMessageTypeException');
    expect(e.problems).toContainEqual({
      field: `${H}.documentIdentification.type`, message: 'Must be a NextMove message type', code: 'MessageType', rejectedValue: 'strange',
    });
  });

  it('refuses a missing type as a null field', () => {
    const json = sbdJson();
    delete (header(json).documentIdentification as Record<string, unknown>).type;
    expect(problemsOf(json)).toContainEqual({ field: `${H}.documentIdentification.type`, message: 'must not be null', code: 'NotNull' });
  });

  it('refuses more than one sender or receiver', () => {
    const json = sbdJson();
    header(json).receiver = [
      { identifier: { authority: 'iso6523-actorid-upis', value: '0192:910075918' } },
      { identifier: { authority: 'iso6523-actorid-upis', value: '0192:910075924' } },
    ];
    expect(problemsOf(json)).toEqual([expect.objectContaining({ field: `${H}.receiver`, code: 'Size', message: 'size must be between 0 and 1' })]);
  });

  it('refuses an invalid sender identifier and an unknown authority', () => {
    expect(problemsOf(sbdJson({ sender: '12345678901' }))).toEqual([
      expect.objectContaining({ field: `${H}.sender[0].identifier.value`, code: 'PartnerIdentifier', rejectedValue: '12345678901' }),
    ]);
    expect(problemsOf(sbdJson({ sender: '0192:910077473', senderAuthority: 'x' }))).toEqual([
      expect.objectContaining({ field: `${H}.sender[0].identifier.authority`, code: 'OneOf' }),
    ]);
  });

  it('explains that a synthetic receiver needs the synthetic switch, and accepts it with the switch', () => {
    const [problem] = problemsOf(sbdJson({ receiver: '17912099997' }));
    expect(problem?.message).toContain('difi.move.identifier.synthetic.allow');
    expect(() => parseStandardBusinessDocument(sbdJson({ receiver: '17912099997' }), { allowSynthetic: true })).not.toThrow();
  });

  it('accepts print without a receiver and an NHN receiver under nhn-actorid', () => {
    expect(() => parseStandardBusinessDocument(sbdJson({ receiver: null }))).not.toThrow();
    expect(() => parseStandardBusinessDocument(sbdJson({ receiver: 'her-id:42', receiverAuthority: 'nhn-actorid' }))).not.toThrow();
  });

  it('refuses dates that are no ISO-8601 date-time', () => {
    expect(problemsOf(sbdJson({ creationDateAndTime: 'yesterday', expectedResponseDateTime: '2019-13-45' })).map((p) => p.field)).toEqual([
      `${H}.documentIdentification.creationDateAndTime`,
      `${H}.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime`,
    ]);
  });

  it('refuses an expectedResponseDateTime that is not after now, only when now is given', () => {
    const json = sbdJson({ expectedResponseDateTime: '2019-03-25T12:38:23+01:00' });
    expect(() => parseStandardBusinessDocument(json)).not.toThrow();
    expect(problemsOf(json, { now: HARNESS_NOW })).toEqual([{
      field: `${H}.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime`,
      message: 'must be a date in the future',
      code: 'Future',
      rejectedValue: '2019-03-25T12:38:23+01:00',
    }]);
  });

  it('reads an expectedResponseDateTime without offset as Oslo time', () => {
    // 12:38:24 Oslo is one second after the harness clock.
    expect(() => parseStandardBusinessDocument(sbdJson({ expectedResponseDateTime: '2019-03-25T12:38:24' }), { now: HARNESS_NOW })).not.toThrow();
  });
});

describe(expectedResponseDateTimeProblem.name, () => {
  it('is undefined without an expectedResponseDateTime', () => {
    expect(expectedResponseDateTimeProblem(sbd({ expectedResponseDateTime: null }), HARNESS_NOW)).toBeUndefined();
  });
});
