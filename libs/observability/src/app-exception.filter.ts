import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, newId } from '@verity/contracts';
import type { Request, Response } from 'express';
import { Observable, throwError } from 'rxjs';
import { httpStatusForCode } from './http-status';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; errorId?: string };
}

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};

/**
 * One error shape for every HTTP answer: `{ error: { code, message, details? } }`.
 * Domain errors map to statuses by code; anything unexpected becomes a 500 with an error id
 * that is also logged. In Kafka handlers errors pass through untouched so the transport can
 * tell a domain error (dead-letter now) from a transient one (retry).
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const { status, body } = this.toBody(exception, req);
    if (!res.headersSent) res.status(status).json(body);
  }

  private toBody(exception: unknown, req: Request): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      const status = httpStatusForCode(exception.code);
      if (status !== 500) {
        const details = exception.details === undefined ? {} : { details: exception.details };
        return {
          status,
          body: {
            error: {
              code: exception.code,
              message: exception.message,
              ...details,
            },
          },
        };
      }
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status] ?? 'REQUEST.INVALID';
      const message = status === 404 ? `no route ${req.method} ${req.path}` : exception.message;
      return { status, body: { error: { code, message } } };
    }
    const errorId = newId();
    this.logger.error(
      {
        errorId,
        err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception),
      },
      'unexpected error',
    );
    return {
      status: 500,
      body: {
        error: {
          code: 'INTERNAL.UNEXPECTED',
          message: 'unexpected error',
          errorId,
        },
      },
    };
  }
}
