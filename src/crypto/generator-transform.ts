import { Transform, type TransformCallback } from 'node:stream';

// A Transform whose work is an async generator over the written chunks, for parsers that are far
// simpler written as a pull loop (the CMS reader). Backpressure holds: a written chunk is acknowledged
// only when the generator pulls it, and Transform itself holds acknowledgements while the readable
// side is full.

export type ChunkGenerator = (source: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

export function transformFromGenerator(generator: ChunkGenerator): Transform {
  return new GeneratorTransform(generator);
}

interface Pending {
  chunk: Buffer;
  callback: TransformCallback;
}

class GeneratorTransform extends Transform {
  readonly #generator: ChunkGenerator;
  #pending: Pending | undefined;
  #isEnded = false;
  #isFinished = false;
  #wake: (() => void) | undefined;
  #pump: Promise<void> | undefined;

  constructor(generator: ChunkGenerator) {
    super();
    this.#generator = generator;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.#isFinished) {
      callback();
      return;
    }
    this.#pending = { chunk, callback };
    this.#start();
    this.#signal();
  }

  override _flush(callback: TransformCallback): void {
    this.#isEnded = true;
    this.#start();
    this.#signal();
    void (this.#pump ?? Promise.resolve()).then(() => {
      if (!this.destroyed) callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#isEnded = true;
    this.#signal();
    callback(error);
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #start(): void {
    this.#pump ??= this.#run().catch((error: unknown) => {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  async #run(): Promise<void> {
    try {
      for await (const output of this.#generator(this.#input())) {
        if (this.destroyed) return;
        this.push(output);
      }
    } finally {
      this.#isFinished = true;
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.callback();
    }
  }

  async *#input(): AsyncGenerator<Buffer> {
    for (;;) {
      const pending = this.#pending;
      if (pending !== undefined) {
        this.#pending = undefined;
        pending.callback();
        yield pending.chunk;
      } else if (this.#isEnded) {
        return;
      } else {
        await new Promise<void>((resolve) => { this.#wake = resolve; });
      }
    }
  }
}
