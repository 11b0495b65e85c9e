import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError } from '@verity/contracts';

/**
 * body-parser errors carry a 4xx `status` and (mostly) a `type`; they become domain errors here.
 * A body that fails to decompress (Content-Encoding gzip/deflate/br) carries a 4xx status and
 * a zlib `code` but no `type`; it used to reach the filter as an unexpected error (a 500).
 */
export function bodyParserError(err: unknown): DomainError | undefined {
  const e = err as { type?: string; status?: number; code?: string };
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  if (typeof e.type !== 'string') {
    if (typeof e.code !== 'string') return undefined;
    return new DomainError('REQUEST.INVALID', 'request body could not be decompressed');
  }
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
export function jsonBody(limit: string, maxDepth = MAX_BODY_DEPTH): RequestHandler[] {
  const parse = json({ limit });
  const shallow = (req: Request, _res: Response, next: NextFunction) =>
    next(
      nestingExceeds(req.body, maxDepth)
        ? new DomainError('REQUEST.TOO_DEEP', `request body is nested deeper than ${maxDepth} levels`)
        : undefined,
    );
  const translate = (err: unknown, _req: Request, _res: Response, next: NextFunction) =>
    next(bodyParserError(err) ?? err);
  return [parse, shallow, translate as unknown as RequestHandler];
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. Validation and transformation
 * recurse into the body; a body of 50,000 nested arrays (100 kB) overflowed their stack (a 500).
 */
export const MAX_BODY_DEPTH = 64;

/** Whether `value` nests arrays/objects deeper than `max`; iterative, so any depth is safe to check. */
export function nestingExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
