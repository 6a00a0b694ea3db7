import type * as Undici from 'undici';

// Outbound HTTP goes through undici, loaded on first use: a daemon that has not called out yet does not
// pay for it in start-up time or idle memory (issue 2's start-up and RSS goals; undici is the largest
// single module we ship).
type UndiciModule = typeof Undici;
let loading: Promise<UndiciModule> | undefined;

export function loadUndici(): Promise<UndiciModule> {
  // undici is CommonJS: Node's loader finds its named exports, a bundle only hands over `default`.
  loading ??= import('undici').then((m) => (typeof m.request === 'function' ? m : (m.default as unknown as UndiciModule)));
  return loading;
}

/**
 * A transport's dispatcher: the one given (tests route through their own), or else an Agent with this
 * connect timeout, made on the first call out so an unused transport never loads undici.
 */
export function lazyDispatcher(connectTimeoutMs: number, given?: Undici.Dispatcher): () => Promise<Undici.Dispatcher> {
  let agent: Promise<Undici.Dispatcher> | undefined;
  return () => {
    if (given) return Promise.resolve(given);
    agent ??= loadUndici().then(({ Agent }) => new Agent({ connect: { timeout: connectTimeoutMs } }));
    return agent;
  };
}
