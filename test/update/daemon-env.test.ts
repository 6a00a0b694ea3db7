import { describe, expect, it } from 'vitest';
import { daemonEnv } from '../../src/update/run-supervisor.js';

describe('the daemon child environment', () => {
  it('passes the supervisor environment on and limits malloc to two arenas', () => {
    expect(daemonEnv({ EFM_SERVER_PORT: '9093', PATH: '/usr/bin' })).toEqual({ EFM_SERVER_PORT: '9093', PATH: '/usr/bin', MALLOC_ARENA_MAX: '2' });
  });

  it('keeps an arena count the operator chose', () => {
    expect(daemonEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8');
  });
});
