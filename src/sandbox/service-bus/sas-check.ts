import { createHmac, timingSafeEqual } from 'node:crypto';

// Checks a Service Bus SAS authorization as Azure does: a known policy name, an expiry in the future, a
// signed resource that covers the request's URL, and the HMAC-SHA256 of `<sr as sent>\n<se>` under the
// policy's key. Returns why it is refused, or undefined when it holds.

export function sasRefusal(header: string | undefined, requestUrl: string, keys: ReadonlyMap<string, string>, now: Date): string | undefined {
  const prefix = 'SharedAccessSignature ';
  if (header?.startsWith(prefix) !== true) return 'no SharedAccessSignature authorization';
  const fields = new Map(header.slice(prefix.length).split('&').map((pair) => {
    const at = pair.indexOf('=');
    return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
  }));
  const [sr, sig, se, skn] = ['sr', 'sig', 'se', 'skn'].map((name) => fields.get(name));
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) return 'the signature lacks sr, sig, se or skn';
  const key = keys.get(skn);
  if (key === undefined) return `unknown policy ${skn}`;
  if (!/^\d+$/.test(se) || Number(se) * 1000 <= now.getTime()) return 'the signature has expired';
  const resource = formDecode(sr);
  if (!requestUrl.toLowerCase().startsWith(resource.toLowerCase())) return `the signature is for ${resource}, not ${requestUrl}`;
  const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${sr}\n${se}`, 'utf8').digest();
  const given = Buffer.from(formDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match';
  return undefined;
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}
