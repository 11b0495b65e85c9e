import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '@verity/contracts';

/** body-parser errors carry a `type` and a 4xx `status`; they become domain errors here. */
export function bodyParserError(err: unknown): DomainError | undefined {
  const e = err as { type?: string; status?: number };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number' || e.status < 400 || e.status >= 500)
    return undefined;
  if (e.type === 'entity.parse.failed')
    return new DomainError('REQUEST.MALFORMED_JSON', 'request body is not valid JSON');
  if (e.type === 'entity.too.large') return new DomainError('REQUEST.TOO_LARGE', 'request body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new DomainError('REQUEST.UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  }
  return new DomainError('REQUEST.INVALID', 'request body could not be read');
}

/**
 * JSON body parsing with a size cap. Its errors reach the exception filter as domain errors
 * with stable codes (Nest would otherwise turn a parse error into a 400 quoting the body).
 */
export function jsonBody(limit: string): RequestHandler[] {
  const parse = json({ limit });
  const translate = (err: unknown, _req: Request, _res: Response, next: NextFunction) =>
    next(bodyParserError(err) ?? err);
  return [parse, translate as unknown as RequestHandler];
}
