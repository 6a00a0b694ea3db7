import { X509Certificate } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../clock/index.js';
import { loadUndici } from '../../http/index.js';
import { DpiPrintLookupError } from './errors.js';

// KRR's print certificate lookup (addressing notes §3.6, §9.5): `GET {krr-print-url}` without
// authentication answers `{postkasseleverandoerAdresse, x509Sertifikat}`, the print provider and the
// certificate its letters are encrypted to. The reference caches the answer 5 minutes; a failure is
// left to the send's own retries.

export interface PrintProvider {
  orgnr: string;
  certificate: X509Certificate;
}

export interface PrintLookup {
  provider(signal: AbortSignal): Promise<PrintProvider>;
}

export interface PrintLookupOptions {
  url: string;
  clock: Clock;
  timeoutMs: number;
  cacheTtlMs?: number;
  dispatcher?: () => Promise<Dispatcher>;
}

const DEFAULTS = { cacheTtlMs: 5 * 60_000 };

export function createPrintLookup(options: PrintLookupOptions): PrintLookup {
  const ttlMs = options.cacheTtlMs ?? DEFAULTS.cacheTtlMs;
  let cached: { provider: PrintProvider; expiresAtMs: number } | undefined;
  return {
    async provider(signal) {
      const nowMs = options.clock.now().getTime();
      if (cached !== undefined && cached.expiresAtMs > nowMs) return cached.provider;
      const provider = parse(await fetchJson(options, signal));
      cached = { provider, expiresAtMs: nowMs + ttlMs };
      return provider;
    },
  };
}

async function fetchJson(options: PrintLookupOptions, signal: AbortSignal): Promise<unknown> {
  let status: number;
  let body: string;
  try {
    const { request } = await loadUndici();
    const response = await request(options.url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
      ...(options.dispatcher ? { dispatcher: await options.dispatcher() } : {}),
    });
    status = response.statusCode;
    body = await response.body.text();
  } catch (cause) {
    throw new DpiPrintLookupError('the KRR print certificate lookup did not answer', cause);
  }
  if (status !== 200) throw new DpiPrintLookupError(`the KRR print certificate lookup answered ${status}`);
  try {
    return JSON.parse(body) as unknown;
  } catch (cause) {
    throw new DpiPrintLookupError('the KRR print certificate lookup answered no JSON', cause);
  }
}

function parse(json: unknown): PrintProvider {
  const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const orgnr = record.postkasseleverandoerAdresse;
  const certificate = record.x509Sertifikat;
  if (typeof orgnr !== 'string' || !/^\d{9}$/.test(orgnr) || typeof certificate !== 'string') {
    throw new DpiPrintLookupError('the KRR print certificate lookup gave no provider organisation number and certificate');
  }
  try {
    return { orgnr, certificate: new X509Certificate(asPem(certificate)) };
  } catch (cause) {
    throw new DpiPrintLookupError('the print provider certificate from KRR cannot be read', cause);
  }
}

/** KRR sends the certificate as PEM or as bare base64 DER. */
function asPem(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  const body = value.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
