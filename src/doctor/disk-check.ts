import { access, constants, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkResult, type DoctorCheck } from './check.js';

export interface DiskLimits {
  failBelowBytes: number;
  warnBelowBytes: number;
}

/** Free space where the data directory is (or will be: its nearest existing parent), and whether the service may write there. */
export async function checkDisk(dataDir: string, limits: DiskLimits): Promise<DoctorCheck> {
  const existing = await nearestExisting(dataDir);
  try {
    await access(existing, constants.W_OK);
  } catch {
    return checkResult('disk', 'fail', `${existing} is not writable for this user`, `give the service user write access to ${dataDir} (chown/chmod), or point efm.data-dir elsewhere`);
  }
  const stats = await statfs(existing);
  const free = stats.bavail * stats.bsize;
  const detail = `${formatBytes(free)} free at ${existing}${existing === dataDir ? '' : ` (${dataDir} is created at start)`}`;
  const fix = `free space or move efm.data-dir to a larger volume; about 2 GB per million messages (ops notes §5.8)`;
  if (free < limits.failBelowBytes) return checkResult('disk', 'fail', `${detail}, below ${formatBytes(limits.failBelowBytes)}`, fix);
  if (free < limits.warnBelowBytes) return checkResult('disk', 'warn', `${detail}, below ${formatBytes(limits.warnBelowBytes)}`, fix);
  return checkResult('disk', 'ok', detail);
}

async function nearestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      await access(p);
      return p;
    } catch {
      if (dirname(p) === p) return p;
    }
  }
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
