import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { createAsicStream } from './asic-write.js';
import { extractAsic, readAsic, type AsicReadResult } from './asic-read.js';
import { KEYSTORE_OPTIONS, keystoreFromArgs, optional, parse, required, UsageError, writeOutput, type CryptoCommandIo } from './cli-io.js';

export const ASIC_HELP = `usage:
  efm asic pack --keystore FILE --alias ALIAS [--password-env VAR] [--keystore-type T] [--sha1 | --xades]
                [--out FILE] FILE...          (writes to stdout without --out)
  efm asic verify FILE                        (signer and digest check per file; exit 1 on any mismatch)
  efm asic open FILE --to DIR                 (extracts the documents once everything verifies)

pack signs with SHA-256, or SHA1withRSA with --sha1 (what the reference writes), or writes the XAdES
form of DPI with --xades. verify checks XAdES containers' digests only, not their signature value.
open applies the same checks as the daemon: no path traversal, absolute names, duplicates or zip bombs.
`;

/** MIME types for pack, by file extension; anything else is application/octet-stream. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.odt': 'application/vnd.oasis.opendocument.text',
};

export async function runAsic(argv: string[], io: CryptoCommandIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'pack') return pack(rest, io);
  if (action === 'verify') return verify(rest, io);
  if (action === 'open') return open(rest, io);
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    io.stdout.write(ASIC_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown asic command ${JSON.stringify(action)} (pack, verify, open)`);
}

async function pack(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values, positionals } = parse(argv, { ...KEYSTORE_OPTIONS, sha1: { type: 'boolean' }, xades: { type: 'boolean' }, out: { type: 'string' } });
  if (values.help) return help(io);
  if (positionals.length === 0) throw new UsageError('name at least one file to pack');
  const { entry } = await keystoreFromArgs(io, values);
  const documents = positionals.map((path) => ({
    name: basename(path),
    mimetype: MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    content: () => createReadStream(path),
  }));
  if (values.xades && values.sha1) throw new UsageError('--sha1 applies to the CAdES signature, not to --xades');
  const asic = createAsicStream({ documents, signer: entry, signatureForm: values.xades ? 'xades' : 'cades', signatureDigest: values.sha1 ? 'sha1' : 'sha256', clock: io.clock });
  await writeOutput(io, optional(values, 'out'), [asic]);
  return 0;
}

async function verify(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) return help(io);
  const result = await readAsic(onePath(positionals));
  io.stdout.write(report(result));
  return isValid(result) ? 0 : 1;
}

async function open(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values, positionals } = parse(argv, { to: { type: 'string' } });
  if (values.help) return help(io);
  const folder = required(values, 'to');
  const result = await extractAsic(onePath(positionals), folder);
  io.stdout.write(report(result));
  return 0;
}

function help(io: CryptoCommandIo): number {
  io.stdout.write(ASIC_HELP);
  return 0;
}

function onePath(positionals: string[]): string {
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('name exactly one container');
  return path;
}

function isValid(result: AsicReadResult): boolean {
  return result.signature !== undefined && result.missing.length === 0 && result.documents.every((d) => d.digestMatches);
}

function report(result: AsicReadResult): string {
  const lines: string[] = [];
  if (result.signature !== undefined) {
    const { signer, digest, signingTime } = result.signature;
    lines.push(`signer: ${signer.subject} (issuer ${signer.issuer}, serial ${signer.serialNumber})`);
    lines.push(`signature: valid (${digest}${signingTime === undefined ? '' : `, signed ${signingTime.toISOString()}`})`);
  } else {
    lines.push(`signature: ${result.signatureError?.message ?? 'none (no signed manifest)'}`);
  }
  for (const d of result.documents) {
    const status = d.digestMatches ? 'OK' : d.isListed ? 'MISMATCH' : 'UNLISTED';
    lines.push(`${status.padEnd(9)}${d.name} (${d.mimetype ?? 'no MIME type'}, ${d.size} bytes)`);
  }
  for (const name of result.missing) lines.push(`${'MISSING'.padEnd(9)}${name}`);
  lines.push(isValid(result) ? 'result: valid' : 'result: INVALID');
  return `${lines.join('\n')}\n`;
}
