import { systemClock } from '../clock/index.js';
import { certificateDetails } from './certificate.js';
import { optional, parse, password, required, UsageError, type CryptoCommandIo } from './cli-io.js';
import { readKeystore, parseKeystoreType } from './keystore.js';
import { generateSelfSignedKeystore } from './keystore-generate.js';

export const KEYS_HELP = `usage:
  efm keys generate --org ORGNR --out FILE.p12 [--password-env VAR] [--cn NAME] [--days N]
  efm keys show FILE [--password-env VAR] [--keystore-type PKCS12|JKS|PEM]

generate writes a self-signed PKCS#12 keystore whose alias is the organisation number. The password
comes from the environment variable named by --password-env (default EFM_KEYSTORE_PASSWORD).
`;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function runKeys(argv: string[], io: CryptoCommandIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'generate') return generate(rest, io);
  if (action === 'show') return show(rest, io);
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    io.stdout.write(KEYS_HELP);
    return action === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown keys command ${JSON.stringify(action)} (generate, show)`);
}

async function generate(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values } = parse(argv, { org: { type: 'string' }, out: { type: 'string' }, 'password-env': { type: 'string' }, cn: { type: 'string' }, days: { type: 'string' } });
  if (values.help) return help(io);
  const orgNumber = required(values, 'org');
  if (!/^\d{9}$/.test(orgNumber)) throw new UsageError(`--org must be a 9-digit organisation number, not ${JSON.stringify(orgNumber)}`);
  const days = optional(values, 'days');
  const validDays = days === undefined ? undefined : Number(days);
  if (validDays !== undefined && !(Number.isInteger(validDays) && validDays > 0)) throw new UsageError('--days must be a positive whole number');
  const generated = await generateSelfSignedKeystore({
    orgNumber,
    commonName: optional(values, 'cn'),
    validDays,
    out: required(values, 'out'),
    password: password(io, values),
    clock: io.clock,
  });
  const details = certificateDetails(generated.entry.certificate);
  io.stdout.write(`wrote ${required(values, 'out')}: alias ${generated.entry.alias}, ${details.subject}, valid until ${details.notAfter.toISOString()}\n`);
  return 0;
}

async function show(argv: string[], io: CryptoCommandIo): Promise<number> {
  const { values, positionals } = parse(argv, { 'password-env': { type: 'string' }, 'keystore-type': { type: 'string' } });
  if (values.help) return help(io);
  const [path, ...extra] = positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('name exactly one keystore file');
  const type = optional(values, 'keystore-type');
  const contents = await readKeystore({ path, password: password(io, values), type: type === undefined ? undefined : parseKeystoreType(type) });
  const now = (io.clock ?? systemClock).now();
  const lines = [`${path}: ${contents.type}, ${contents.keyEntries.length} key entries, ${contents.trusted.length} trusted certificates`];
  for (const entry of contents.keyEntries) {
    lines.push(`key entry ${entry.alias}${entry.certificate.checkPrivateKey(entry.privateKey) ? '' : ' (KEY DOES NOT MATCH ITS CERTIFICATE)'}`);
    lines.push(...describe(entry.certificate, now), `  chain: ${entry.chain.length} certificate(s)`);
  }
  for (const trusted of contents.trusted) lines.push(`trusted certificate ${trusted.alias}`, ...describe(trusted.certificate, now));
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function describe(certificate: Parameters<typeof certificateDetails>[0], now: Date): string[] {
  const d = certificateDetails(certificate);
  const daysLeft = Math.floor((d.notAfter.getTime() - now.getTime()) / DAY_MS);
  const state = now > d.notAfter ? 'EXPIRED' : now < d.notBefore ? 'NOT YET VALID' : `valid, ${daysLeft} days left`;
  return [
    `  subject: ${d.subject}`,
    `  issuer: ${d.issuer}`,
    `  serial: ${d.serialNumber}`,
    `  valid: ${d.notBefore.toISOString()} to ${d.notAfter.toISOString()} (${state})`,
    `  sha256: ${d.fingerprintSha256}`,
  ];
}

function help(io: CryptoCommandIo): number {
  io.stdout.write(KEYS_HELP);
  return 0;
}
