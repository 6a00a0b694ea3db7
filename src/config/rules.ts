// Rules that span more than one setting. They run on values that parsed; a value that did not parse
// has already been reported and its rules are skipped.
import type { ConfigProblem } from './errors.js';
import { configProblem } from './errors.js';
import type { Setting } from './settings.js';
import { findSetting } from './settings.js';

export interface RuleInput {
  values: ReadonlyMap<Setting, unknown>;
  /** Settings that were given but did not parse. */
  failed: ReadonlySet<Setting>;
  /** Where a setting was written, for the problem's key and source. */
  where: (setting: Setting) => { key: string; source: string };
}

export function checkRules({ values, failed, where }: RuleInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const setting = (key: string): Setting => {
    const found = findSetting(key);
    if (!found) throw new Error(`config rules name an unknown setting: ${key}`);
    return found;
  };
  const get = (key: string): unknown => values.get(setting(key));
  // A setting that failed to parse counts as given: its own problem is already reported.
  const has = (key: string) => values.has(setting(key)) || failed.has(setting(key));
  const report = (key: string, code: 'EFM_CONFIG_REQUIRED' | 'EFM_CONFIG_INVALID_VALUE', message: string, value?: string) =>
    problems.push(configProblem(code, { ...where(setting(key)), message, ...(value === undefined ? {} : { value }) }));

  if (get('efm.api.auth.enabled') === true) {
    for (const [key, what] of [['efm.api.auth.username', 'user name'], ['efm.api.auth.password', 'password']] as const) {
      if (has(key)) continue;
      const s = setting(key);
      report(key, 'EFM_CONFIG_REQUIRED',
        `API basic auth is on but no ${what} is set: set ${s.key} (environment ${s.env}; in a reference properties file ${s.field.aliases[0] ?? s.key}), ` +
        'or turn auth off with efm.api.auth.enabled=false');
    }
  }

  if (get('efm.store.type') === 'postgres') {
    report('efm.store.type', 'EFM_CONFIG_INVALID_VALUE', 'the postgres store is not supported yet; use sqlite', 'postgres');
  }

  if (has('efm.org.keystore.path') && get('efm.org.keystore.type') !== 'PEM' && !has('efm.org.keystore.password')) {
    report('efm.org.keystore.password', 'EFM_CONFIG_REQUIRED', 'a PKCS12 or JKS keystore needs its password: set efm.org.keystore.password (difi.move.org.keystore.password)');
  }
  // Checked here rather than by a pattern on the field, so a bad efm.org.number is not reported twice.
  const orgId = get('efm.dpo.system-user.org-id');
  if (typeof orgId === 'string' && !SYSTEM_USER_ORG.test(orgId) && !failed.has(setting('efm.org.number'))) {
    report('efm.dpo.system-user.org-id', 'EFM_CONFIG_INVALID_VALUE', 'must be <icd>:<orgnr>, e.g. 0192:123456789', orgId);
  }
  const reportees = get('efm.dpo.reportees');
  for (const item of Array.isArray(reportees) ? reportees : []) {
    if (!REPORTEE.test(String(item))) report('efm.dpo.reportees', 'EFM_CONFIG_INVALID_VALUE', 'each reportee must be <orgId>=<system user name> (or reportees[i].org-id and reportees[i].name), e.g. 0192:123456789=123456789_integrasjonspunkt_systembruker_123456789', String(item));
  }
  const herIds = get('efm.dph.her-ids');
  for (const item of Array.isArray(herIds) ? herIds : []) {
    if (!HER_ID.test(String(item))) report('efm.dph.her-ids', 'EFM_CONFIG_INVALID_VALUE', 'each HER id must be a positive whole number, e.g. 8143548', String(item));
  }
  return problems;
}

/** `efm.dph.her-ids` items: the number alone, as in `her-id:<n>` (api notes §3.3). */
const HER_ID = /^[1-9]\d*$/;
const SYSTEM_USER_ORG = /^\d{4}:\d{9}$/;
/** `efm.dpo.reportees` items: `0192:<orgnr>=<system user name>`. */
const REPORTEE = /^\d{4}:\d{9}=\S.*$/;
