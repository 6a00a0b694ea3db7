import { parse as parseContentDisposition } from 'content-disposition';
import type { Request } from 'express';
import { ValidationError } from '../../domain/errors.js';
import { queryString } from '../query.js';

// O2 headers (api notes §2.3): Content-Disposition (RFC 6266, with RFC 5987 `filename*`) names the file and
// its title; `?title=` overrides the title; Content-Type is the MIME type.
export interface UploadHeaders {
  filename: string;
  title?: string;
  mimetype: string;
  declaredLength?: number;
}

class MissingUploadHeaderError extends ValidationError {
  constructor(message: string) {
    super(message, { code: 'EFM_INVALID_UPLOAD_HEADERS' });
  }
}

export function uploadHeadersOf(req: Request): UploadHeaders {
  const disposition = req.headers['content-disposition'];
  if (!disposition) throw new MissingUploadHeaderError('The Content-Disposition header is required, e.g. Content-Disposition: attachment; name="Title"; filename="file.pdf"');
  let parameters: Record<string, string>;
  try {
    parameters = parseContentDisposition(disposition).parameters;
  } catch {
    throw new MissingUploadHeaderError(`The Content-Disposition header could not be parsed: ${disposition}`);
  }
  const filename = parameters.filename;
  if (!filename) throw new MissingUploadHeaderError('The Content-Disposition header must carry a filename');
  const title = queryString(req, 'title') ?? parameters.name;
  const contentType = req.headers['content-type'];
  const length = req.headers['content-length'];
  return {
    filename,
    title: title || undefined,
    mimetype: contentType ? contentType.split(';')[0]?.trim() ?? '' : '',
    declaredLength: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
  };
}
