import type { Router, RequestHandler } from 'express';

// Our promise to case systems: a new API major comes only with a year in which both majors work. Each
// major is a router; the current one is also served at the bare /api (the reference has no version in
// its paths, api notes §1.4). A deprecated major answers with Deprecation and Sunset headers (RFC 9745,
// RFC 8594).
export interface ApiMajor {
  major: number;
  /** Full semver of this major's contract, sent as API-Version. */
  version: string;
  status: 'current' | 'deprecated';
  sunset?: Date;
  deprecatedSince?: Date;
  router: Router;
}

export class ApiVersionSetupError extends Error {}

/** Refuses to boot with a wiring that breaks the promise. */
export function checkMajors(majors: readonly ApiMajor[]): void {
  const current = majors.filter((m) => m.status === 'current');
  if (current.length !== 1) throw new ApiVersionSetupError(`exactly one API major must be current, found ${current.length}`);
  const seen = new Set<number>();
  for (const m of majors) {
    if (seen.has(m.major)) throw new ApiVersionSetupError(`API major ${m.major} is registered twice`);
    seen.add(m.major);
    if (!new RegExp(`^${m.major}\\.\\d+\\.\\d+$`).test(m.version)) throw new ApiVersionSetupError(`API major ${m.major} has version ${m.version}`);
    if (m.status === 'deprecated' && !m.sunset) throw new ApiVersionSetupError(`deprecated API major ${m.major} needs a sunset date`);
  }
}

export function versionHeaders(m: ApiMajor): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('API-Version', m.version);
    if (m.status === 'deprecated') {
      res.setHeader('Deprecation', `@${Math.floor((m.deprecatedSince ?? new Date(0)).getTime() / 1000)}`);
      if (m.sunset) res.setHeader('Sunset', m.sunset.toUTCString());
    }
    next();
  };
}

export function describeMajors(majors: readonly ApiMajor[]): Record<string, unknown> {
  return {
    versions: majors.map((m) => ({
      major: m.major,
      version: m.version,
      status: m.status,
      paths: m.status === 'current' ? ['/api', `/api/v${m.major}`] : [`/api/v${m.major}`],
      sunset: m.sunset ? m.sunset.toISOString() : null,
    })),
  };
}
