import { createHmac } from 'node:crypto';
import { MissingSasKeyError } from './errors.js';

// The Service Bus SAS authorization (transports notes §5.5, ServiceBusRestClient): an HMAC-SHA256 with
// the policy's key over the URL-encoded resource URI, a newline and the expiry in epoch seconds, sent as
// `SharedAccessSignature sr=…&sig=…&se=…&skn=…`. A fresh one for every request, valid for 20 s.

const LIFETIME_SECONDS = 20;

/** The SAS policy key: from configuration, or (in the reference) from the Service Registry's `/sastoken`. */
export interface SasKeySource {
  key(): Promise<string>;
  /** Forgets a cached key after the Service Bus answered 401 to it. */
  invalidate(): void;
}

/** The key of `efm.dpe.sas-token`; a missing one fails each request that needs it. */
export function configuredSasKey(key: string | undefined): SasKeySource {
  return {
    key: () => (key === undefined ? Promise.reject(new MissingSasKeyError()) : Promise.resolve(key)),
    invalidate: () => undefined,
  };
}

export interface SasInput {
  /** The full request URL, e.g. `https://ns.servicebus.windows.net/queue/messages`. */
  resourceUri: string;
  keyName: string;
  key: string;
  now: Date;
}

export function sasAuthorization(input: SasInput): string {
  const resource = formEncode(input.resourceUri);
  const expiry = Math.floor(input.now.getTime() / 1000) + LIFETIME_SECONDS;
  const signature = createHmac('sha256', Buffer.from(input.key, 'utf8')).update(`${resource}\n${expiry}`, 'utf8').digest('base64');
  return `SharedAccessSignature sr=${resource}&sig=${formEncode(signature)}&se=${expiry}&skn=${input.keyName}`;
}

/** As Java's URLEncoder, which the reference uses: also `!'()~` are escaped, and a space becomes `+`. */
function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
