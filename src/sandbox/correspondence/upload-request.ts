import type { NewCorrespondence } from './correspondence-state.js';
import type { ParsedForm } from './multipart-form.js';

// Checks an upload's form as Altinn does (the required fields and the error numbers of the openapi's
// 400 list) and turns it into a correspondence to make. Field names are matched without regard to
// case, as ASP.NET binds them.

/** The upload breaks a rule; answered 400 with the text. */
export class UploadRefusal extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'UploadRefusal';
  }
}

const REQUIRED = [
  'correspondence.resourceId', 'correspondence.sendersReference', 'correspondence.content.language',
  'correspondence.content.messageTitle', 'correspondence.content.messageSummary', 'correspondence.content.messageBody',
  'correspondence.notification.notificationTemplate',
];
const LANGUAGES = new Set(['nb', 'nn', 'en']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTACHMENTS = 'attachments';

export function uploadRequest(form: ParsedForm): NewCorrespondence {
  const byName = new Map(form.fields.map((f) => [f.name.toLowerCase(), f.value]));
  const get = (name: string) => byName.get(name.toLowerCase());
  const missing = REQUIRED.filter((name) => (get(name) ?? '').trim() === '');
  if (missing.length > 0) throw new UploadRefusal(`required fields are missing: ${missing.join(', ')}`);
  if (!LANGUAGES.has(get('correspondence.content.language') ?? '')) {
    throw new UploadRefusal('1023: Invalid language chosen. Supported languages is Norsk bokmål (nb), Nynorsk (nn) and English (en)');
  }
  const idempotentKey = get('idempotentKey') ?? '';
  if (idempotentKey !== '' && !GUID.test(idempotentKey)) throw new UploadRefusal('1033: The idempotency key must be a valid non-empty GUID');
  const recipients = indexed((i) => get(`recipients[${i}]`));
  if (recipients.length === 0) throw new UploadRefusal('Recipients is required');
  if (new Set(recipients).size !== recipients.length) throw new UploadRefusal('1006: Recipients must be unique');
  return {
    idempotentKey,
    resourceId: get('correspondence.resourceId') ?? '',
    sendersReference: get('correspondence.sendersReference') ?? '',
    recipients,
    fields: Object.fromEntries(form.fields.map((f) => [f.name, f.value])),
    attachments: attachmentsOf(form, get),
  };
}

/** Each described attachment must come as a file part of the same name, and no file part may come undescribed. */
function attachmentsOf(form: ParsedForm, get: (name: string) => string | undefined): NewCorrespondence['attachments'] {
  const prefix = (i: number) => `correspondence.content.attachments[${i}]`;
  const names = indexed((i) => get(`${prefix(i)}.fileName`));
  const files = form.files.filter((f) => f.name.toLowerCase() === ATTACHMENTS);
  if (files.length !== form.files.length) throw new UploadRefusal(`file parts must be named ${ATTACHMENTS}`);
  const described = names.map((fileName, i) => {
    const file = files.find((f) => f.filename === fileName);
    if (file === undefined) throw new UploadRefusal(`1005: Mismatch between uploaded files and attachment metadata: no file part carries ${fileName}`);
    return { fileName, displayName: get(`${prefix(i)}.displayName`), file };
  });
  const extra = files.filter((f) => !names.includes(f.filename));
  if (extra.length > 0) throw new UploadRefusal(`1005: Mismatch between uploaded files and attachment metadata: ${extra.map((f) => f.filename).join(', ')} not described`);
  return described;
}

/** Values at index 0, 1, … until the first gap. */
function indexed(at: (i: number) => string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const value = at(i);
    if (value === undefined || value === '') return out;
    out.push(value);
  }
}
