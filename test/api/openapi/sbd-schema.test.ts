import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/api/openapi/index.js';
import { sbdJson } from '../../domain/builders.js';

// Generated clients type their requests with these schemas, so the SBD schema must take every SBD the
// daemon takes and refuse the shapes it refuses (api notes §3.1): one header, exactly one business
// message named after a known type.
function sbdValidator() {
  const doc = buildOpenApiDocument();
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  return ajv.compile({ $ref: '#/components/schemas/StandardBusinessDocument', components: structuredClone(doc.components) });
}

describe('the StandardBusinessDocument schema', () => {
  const validate = sbdValidator();

  it('accepts SBDs the daemon accepts', () => {
    const accepted = [
      sbdJson(),
      sbdJson({ sender: null, messageId: null, conversationId: null, expectedResponseDateTime: null, creationDateAndTime: null }),
      sbdJson({ type: 'digital', standard: 'urn:no:difi:digitalpost:xsd:digital::digital', receiver: '01017012345', business: {} }),
      sbdJson({ type: 'print', standard: 'urn:no:difi:digitalpost:xsd:fysisk::print', receiver: null, business: { hoveddokument: 'brev.pdf' } }),
      sbdJson({ extraScopes: [{ type: 'SenderRef', instanceIdentifier: 'ref-1' }, { type: 'MessageChannel', identifier: 'kanal' }] }),
    ];
    for (const doc of accepted) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts its own example', () => {
    const schemas = (buildOpenApiDocument().components as Record<string, Record<string, Record<string, unknown>>>).schemas;
    expect(validate(schemas?.StandardBusinessDocument?.example)).toBe(true);
  });

  it('refuses a second business message, an unknown one, or none', () => {
    const two = { ...sbdJson(), avtalt: {} };
    const unknown = sbdJson({ businessName: 'fiksio' });
    const none = { standardBusinessDocumentHeader: sbdJson().standardBusinessDocumentHeader };
    for (const doc of [two, unknown, none]) expect(validate(doc)).toBe(false);
  });

  it('refuses a header without documentIdentification or with an unknown scope type', () => {
    const header = sbdJson().standardBusinessDocumentHeader as Record<string, unknown>;
    const noIdentification = { standardBusinessDocumentHeader: { ...header, documentIdentification: undefined }, arkivmelding: {} };
    const badScope = sbdJson({ extraScopes: [{ type: 'Whatever' }] });
    expect(validate(JSON.parse(JSON.stringify(noIdentification)))).toBe(false);
    expect(validate(badScope)).toBe(false);
  });
});
