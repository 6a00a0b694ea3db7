import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { EfmError } from '../domain/errors.js';

export interface Credentials {
  username: string;
  password: string;
}

export class UnauthorizedError extends EfmError {
  constructor() {
    super('Full authentication is required to access this resource', { code: 'EFM_UNAUTHORIZED', kind: 'unauthorized', exception: 'org.springframework.security.authentication.InsufficientAuthenticationException' });
  }
}

// Hashing both sides first gives equal-length buffers, so the comparison time reveals nothing.
function same(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function parseBasic(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** HTTP basic auth; `undefined` credentials means auth is switched off by configuration. */
export function basicAuth(expected: Credentials | undefined, realm = 'integrasjonspunkt'): RequestHandler {
  return (req, res, next) => {
    if (!expected) {
      next();
      return;
    }
    const given = parseBasic(req.headers.authorization);
    const ok = given !== undefined && same(given.username, expected.username) && same(given.password, expected.password);
    if (ok) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    next(new UnauthorizedError());
  };
}
