import type { Config } from '../config/index.js';
import { checkResult, type DoctorCheck } from './check.js';
import type { Probe } from './probe.js';

export interface Endpoint {
  name: string;
  /** http(s)://… or tcp://host:port. */
  url: string;
  /** The setting that configures it, named in the fix. */
  setting: string;
}

/** The endpoints every deployment of this configuration calls out to (ops notes §5.12). */
export function configuredEndpoints(config: Config): Endpoint[] {
  const endpoints: Endpoint[] = [{ name: 'service registry', url: config.serviceRegistry.url, setting: 'efm.service-registry.url' }];
  if (config.serviceRegistry.sign.enabled) {
    endpoints.push({ name: 'service registry keys', url: config.serviceRegistry.sign.jwkUrl, setting: 'efm.service-registry.sign.jwk-url' });
  }
  if (config.maskinporten.enabled) endpoints.push({ name: 'maskinporten', url: config.maskinporten.url, setting: 'efm.maskinporten.url' });
  if (config.centralConfig.enabled && config.centralConfig.url !== undefined) {
    endpoints.push({ name: 'configuration hub', url: config.centralConfig.url, setting: 'efm.central-config.url' });
  }
  return endpoints;
}

export function endpointCheck(endpoint: Endpoint, result: Probe, timeoutMs: number): DoctorCheck {
  const name = `reach ${endpoint.name}`;
  const where = new URL(endpoint.url);
  const hostPort = `${where.hostname}:${where.port || (where.protocol === 'https:' ? '443' : '80')}`;
  if (result.reached) {
    const ms = result.answeredAt.getTime() - result.sentAt.getTime();
    if (result.status !== undefined && result.status >= 500) {
      return checkResult(name, 'warn', `${endpoint.url} answers HTTP ${result.status} (${ms} ms)`, `the service is reachable but failing; retry later or check ${endpoint.setting}`);
    }
    return checkResult(name, 'ok', `${endpoint.url} answers${result.status === undefined ? '' : ` HTTP ${result.status}`} (${ms} ms)`);
  }
  return checkResult(name, 'fail', `${endpoint.url}: ${result.message} (${result.code})`, unreachableFix(result.code, hostPort, endpoint.setting, timeoutMs));
}

function unreachableFix(code: string, hostPort: string, setting: string, timeoutMs: number): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve: check DNS on this machine and the URL in ${setting}`;
  if (code === 'ECONNREFUSED') return `nothing accepts connections at ${hostPort}: check the URL in ${setting}, or a firewall that rejects the connection`;
  if (code === 'ETIMEDOUT' || code.startsWith('UND_ERR_') && code.endsWith('TIMEOUT')) {
    return `no answer within ${timeoutMs} ms: allow outbound traffic to ${hostPort} in the firewall, or set up the proxy`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return `the TLS certificate of ${hostPort} is not trusted: a TLS-inspecting proxy needs its CA in NODE_EXTRA_CA_CERTS`;
  }
  return `check the URL in ${setting} and outbound access to ${hostPort}`;
}
