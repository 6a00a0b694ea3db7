import type { Readable } from 'node:stream';
import type { ArkivmeldingSummary, XsdFile } from '../domain/arkivmelding.js';
import type { FieldProblem } from '../domain/errors.js';
import { ValidationError } from '../domain/errors.js';

// arkivmelding.xml is metadata, not payload: it is read whole, but only up to a bound, so a huge file
// under that name cannot exhaust memory. The XML parser and the XSD engine load on first use, as most
// daemons go a long while without an arkivmelding (start-up time and idle memory).
const MAX_ARKIVMELDING_BYTES = 16 * 1024 * 1024;

export class ArkivmeldingTooLargeError extends ValidationError {
  constructor() {
    super(`arkivmelding.xml is larger than ${MAX_ARKIVMELDING_BYTES} bytes`, { code: 'EFM_ARKIVMELDING_TOO_LARGE' });
  }
}

export class ArkivmeldingReader {
  constructor(private readonly maxBytes = MAX_ARKIVMELDING_BYTES) {}

  async readText(stream: Readable): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buf.length;
      if (size > this.maxBytes) {
        stream.destroy();
        throw new ArkivmeldingTooLargeError();
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  async parse(xml: string): Promise<ArkivmeldingSummary> {
    return (await import('../domain/arkivmelding.js')).parseArkivmelding(xml);
  }

  async schemaProblems(xml: string, xsd: readonly XsdFile[]): Promise<FieldProblem[]> {
    return (await import('../domain/arkivmelding.js')).validateArkivmeldingXml(xml, xsd);
  }

  /** The summary, or undefined when the file cannot be read as an arkivmelding (checked again at send). */
  async tryRead(stream: Readable): Promise<{ title?: string; reference?: string } | undefined> {
    try {
      const summary = await this.parse(await this.readText(stream));
      return { title: summary.messageTitle, reference: summary.messageReference };
    } catch (err) {
      if (err instanceof ValidationError) return undefined;
      throw err;
    }
  }
}
