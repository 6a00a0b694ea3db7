import { readFile } from 'node:fs/promises';
import { certificatesFromPem, parseCertificate } from './certificate.js';
import { createCmsDecryptStream } from './cms-decrypt.js';
import { createCmsEncryptStream, type ContentEncryption } from './cms-encrypt.js';
import { KEYSTORE_OPTIONS, keystoreFromArgs, parse, required, runThrough, UsageError, type CryptoCommandIo } from './cli-io.js';

export const CMS_HELP = `usage:
  efm cms encrypt --cert CERT.pem [--oaep | --pkcs1] [--gcm | --dph-gcm] [--in FILE] [--out FILE]
  efm cms decrypt --keystore FILE --alias ALIAS [--password-env VAR] [--keystore-type PKCS12|JKS|PEM]
                  [--in FILE] [--out FILE]

DER CMS on stdout/stdin unless --in/--out are given. encrypt: RSA-OAEP (SHA-256) by default, --pkcs1 for
RSA PKCS#1 v1.5 (DPE); AES-256-CBC by default, --gcm for AES-256-GCM AuthEnvelopedData (what openssl
reads), --dph-gcm for the reference's DPH form (GCM tag after the ciphertext). decrypt reads all of them.
The keystore password comes from the environment variable named by --password-env (default
EFM_KEYSTORE_PASSWORD).
`;

const IO_OPTIONS = { in: { type: 'string' }, out: { type: 'string' } } as const;

export async function runCms(argv: string[], io: CryptoCommandIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'encrypt') return encrypt(rest, io);
  if (action === 'decrypt') return decrypt(rest, io);
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    io.stdout.write(CMS_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown cms command ${JSON.stringify(action)} (encrypt, decrypt)`);
}

async function encrypt(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values } = parse(argv, {
    ...IO_OPTIONS,
    cert: { type: 'string' },
    oaep: { type: 'boolean' },
    pkcs1: { type: 'boolean' },
    gcm: { type: 'boolean' },
    'dph-gcm': { type: 'boolean' },
  });
  if (values.help) return help(io);
  if (values.oaep && values.pkcs1) throw new UsageError('--oaep and --pkcs1 exclude each other');
  if (values.gcm && values['dph-gcm']) throw new UsageError('--gcm and --dph-gcm exclude each other');
  const recipient = await readCertificate(required(values, 'cert'));
  const contentEncryption: ContentEncryption = values.gcm ? 'aes-256-gcm' : values['dph-gcm'] ? 'aes-256-gcm-tag-appended' : 'aes-256-cbc';
  await runThrough(io, values, createCmsEncryptStream({ recipient, keyTransport: values.pkcs1 ? 'rsa-pkcs1' : 'rsa-oaep', contentEncryption }));
  return 0;
}

async function decrypt(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values } = parse(argv, { ...IO_OPTIONS, ...KEYSTORE_OPTIONS });
  if (values.help) return help(io);
  const { entry } = await keystoreFromArgs(io, values);
  await runThrough(io, values, createCmsDecryptStream(entry));
  return 0;
}

function help(io: CryptoCommandIo): number {
  io.stdout.write(CMS_HELP);
  return 0;
}

async function readCertificate(path: string): Promise<ReturnType<typeof parseCertificate>> {
  const bytes = await readFile(path);
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) {
    const first = certificatesFromPem(text)[0];
    if (first === undefined) throw new UsageError(`${path} holds no certificate`);
    return first;
  }
  try {
    return parseCertificate(bytes);
  } catch {
    throw new UsageError(`${path} is not a certificate (PEM or DER)`);
  }
}
