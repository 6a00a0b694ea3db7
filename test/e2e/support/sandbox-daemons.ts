import { writeFile } from 'node:fs/promises';
import type { SandboxNetwork, SandboxOrganisation } from '../../../src/sandbox/index.js';

// The daemons of the sandbox's two demo organisations, configured as `efm sandbox` configures them
// (src/cli.ts, sandboxDaemonEnv and config/sandbox.yml) but with a quicker poll, written as the
// settings file a daemon process (`efm start` or `efm supervise`) reads; and what the tests read back
// from a daemon's API.
export const API_USER = 'e2e';
export const API_PASSWORD = 'e2e-password';
export const AUTHORIZATION = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString('base64')}`;

/** The API's largest page (src/api/paging.ts). */
const STATUS_PAGE_SIZE = 2000;

export type Settings = Record<string, string | number | boolean>;

export interface SandboxDaemonSettingsOptions {
  network: SandboxNetwork;
  organisation: SandboxOrganisation;
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** More settings, canonical keys. */
  extra?: Settings;
}

export function sandboxDaemonSettings(o: SandboxDaemonSettingsOptions): Settings {
  const { network, organisation } = o;
  return {
    'efm.server.port': o.port,
    'efm.data-dir': o.dataDir,
    'efm.org.number': organisation.orgnr,
    'efm.org.keystore.path': organisation.keystorePath,
    'efm.org.keystore.password': organisation.keystorePassword,
    'efm.api.auth.username': API_USER,
    'efm.api.auth.password': API_PASSWORD,
    'efm.service-registry.url': network.registryUrl,
    'efm.maskinporten.url': network.maskinportenUrl,
    'efm.maskinporten.audience': network.maskinportenAudience,
    'efm.dpo.enabled': true,
    'efm.dpo.brokerservice-url': network.brokerUrl,
    'efm.dpo.altinn-token-exchange-url': network.altinnTokenExchangeUrl,
    'efm.validation.strict': false,
    'efm.queue.poll-schedule': '*/1 * * * * *',
    ...o.extra,
  };
}

/** The settings as a `.properties` file, which `efm start --config` and `efm supervise --config` read. */
export async function writeSettingsFile(path: string, settings: Settings): Promise<void> {
  await writeFile(path, Object.entries(settings).map(([key, value]) => `${key}=${String(value)}`).join('\n'));
}

export interface StatusRow {
  id: number;
  messageId: string;
  status: string;
}

/** Every status the daemon holds (GET /api/statuses, page by page). */
export async function allStatuses(baseUrl: string): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (let page = 0; ; page++) {
    const response = await fetch(`${baseUrl}/api/statuses?size=${STATUS_PAGE_SIZE}&page=${page}`, { headers: { authorization: AUTHORIZATION } });
    if (response.status !== 200) throw new Error(`GET /api/statuses: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { content: StatusRow[]; last: boolean };
    rows.push(...body.content);
    if (body.last || body.content.length === 0) return rows;
  }
}

/** How many statuses the daemon holds, of one kind when `status` is given. */
export async function countStatuses(baseUrl: string, status?: string): Promise<number> {
  const query = status === undefined ? '' : `&status=${status}`;
  const response = await fetch(`${baseUrl}/api/statuses?size=1${query}`, { headers: { authorization: AUTHORIZATION } });
  if (response.status !== 200) throw new Error(`GET /api/statuses: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { totalElements: number }).totalElements;
}
