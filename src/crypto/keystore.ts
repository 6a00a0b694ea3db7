import type { KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../clock/index.js';
import { certificateDetails } from './certificate.js';
import {
  CertificateExpiredError,
  CertificateNotYetValidError,
  KeystoreAliasNotFoundError,
  KeystoreError,
  KeystoreKeyMismatchError,
} from './errors.js';
import { readJks } from './keystore-jks.js';
import { readPem } from './keystore-pem.js';
import { readPkcs12 } from './keystore-pkcs12.js';

// One way in for every keystore format the reference's installations use (transports notes §4.6):
// `difi.move.org.keystore.{path,alias,password,type}`. The key password is the store password.

const DEFAULTS = {
  expiryWarningDays: 30,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export type KeystoreType = 'PKCS12' | 'JKS' | 'PEM';

export interface KeystoreSource {
  path: string;
  password: string;
  /** Read from the file's first bytes when absent. */
  type?: KeystoreType;
}

export interface KeystoreSelection extends KeystoreSource {
  alias: string;
}

/** A private key with its certificate chain (leaf first). */
export interface KeystoreEntry {
  readonly alias: string;
  readonly privateKey: KeyObject;
  readonly certificate: X509Certificate;
  readonly chain: readonly X509Certificate[];
}

export interface KeystoreWarning {
  code: 'EFM_CERTIFICATE_EXPIRES_SOON';
  message: string;
  alias: string;
  notAfter: Date;
  daysLeft: number;
}

export interface LoadedKeystoreEntry {
  entry: KeystoreEntry;
  /** Things the caller should log; the library itself never logs. */
  warnings: KeystoreWarning[];
}

/** What a format reader finds: key entries with the leaf certificate first, and trusted certificates. */
export interface RawKeystore {
  keyEntries: KeystoreEntry[];
  trusted: { alias: string; certificate: X509Certificate }[];
}

export interface KeystoreContents extends RawKeystore {
  type: KeystoreType;
  path: string;
}

export async function readKeystore(source: KeystoreSource): Promise<KeystoreContents> {
  const bytes = await readKeystoreFile(source.path);
  const type = source.type ?? sniffKeystoreType(bytes);
  const raw = parseKeystore(type, bytes, source);
  return { ...raw, type, path: source.path };
}

function parseKeystore(type: KeystoreType, bytes: Buffer, source: KeystoreSource): RawKeystore {
  switch (type) {
    case 'PKCS12':
      return readPkcs12(bytes, source.password, source.path);
    case 'JKS':
      return readJks(bytes, source.password, source.path);
    case 'PEM':
      return readPem(bytes, source.password, source.path);
  }
}

/**
 * Loads the selected key entry and checks it: the key must match the certificate, and the certificate
 * must be valid now. One that expires within 30 days comes back with a warning.
 */
export async function loadKeystoreEntry(
  selection: KeystoreSelection & { clock?: Clock; expiryWarningDays?: number },
): Promise<LoadedKeystoreEntry> {
  const contents = await readKeystore(selection);
  const entry = findEntry(contents, selection.alias);
  if (!entry.certificate.checkPrivateKey(entry.privateKey)) throw new KeystoreKeyMismatchError(selection.path, entry.alias);
  const now = (selection.clock ?? systemClock).now();
  const warning = checkCertificateValidity(entry, now, selection.expiryWarningDays ?? DEFAULTS.expiryWarningDays);
  return { entry, warnings: warning === undefined ? [] : [warning] };
}

/**
 * Java keystores compare aliases without case, so an exact match wins and a case-insensitive one follows.
 * A PEM file has one unnamed entry, which takes the configured alias.
 */
function findEntry(contents: KeystoreContents, alias: string): KeystoreEntry {
  const pemEntry = contents.type === 'PEM' ? contents.keyEntries[0] : undefined;
  if (pemEntry !== undefined) return { ...pemEntry, alias };
  const exact = contents.keyEntries.find((e) => e.alias === alias);
  const entry = exact ?? contents.keyEntries.find((e) => e.alias.toLowerCase() === alias.toLowerCase());
  if (entry === undefined) throw new KeystoreAliasNotFoundError(contents.path, alias, contents.keyEntries.map((e) => e.alias));
  return entry;
}

export function checkCertificateValidity(entry: KeystoreEntry, now: Date, warningDays: number): KeystoreWarning | undefined {
  const details = certificateDetails(entry.certificate);
  if (now < details.notBefore) throw new CertificateNotYetValidError(details.subject, details.notBefore);
  if (now > details.notAfter) throw new CertificateExpiredError(details.subject, details.notAfter);
  const daysLeft = Math.floor((details.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft >= warningDays) return undefined;
  return {
    code: 'EFM_CERTIFICATE_EXPIRES_SOON',
    message: `certificate ${details.subject} (alias ${entry.alias}) expires in ${daysLeft} days`,
    alias: entry.alias,
    notAfter: details.notAfter,
    daysLeft,
  };
}

async function readKeystoreFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'no such file' : 'cannot read the file';
    throw new KeystoreError(`cannot open keystore ${path}: ${reason}`, 'EFM_KEYSTORE_UNREADABLE', error);
  }
}

const JKS_MAGIC = 0xfeedfeed;

export function sniffKeystoreType(bytes: Buffer): KeystoreType {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC) return 'JKS';
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')) return 'PEM';
  return 'PKCS12';
}

/** The keystore type named in configuration (`PKCS12`, `JKS`, `PEM`; case-insensitive). */
export function parseKeystoreType(name: string): KeystoreType {
  const upper = name.trim().toUpperCase();
  if (upper === 'PKCS12' || upper === 'JKS' || upper === 'PEM') return upper;
  throw new KeystoreError(`unsupported keystore type ${JSON.stringify(name)} (supported: PKCS12, JKS, PEM)`, 'EFM_KEYSTORE_UNSUPPORTED_TYPE');
}
