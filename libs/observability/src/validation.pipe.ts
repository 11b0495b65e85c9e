import { ValidationPipe } from '@nestjs/common';
import { describeErrors, DomainError } from '@verity/contracts';

/** Request DTO validation: unknown fields rejected; errors listed per field with a stable code. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => new DomainError('REQUEST.INVALID', 'request is invalid', describeErrors(errors)),
  });
}
