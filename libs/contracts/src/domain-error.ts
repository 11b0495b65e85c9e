/**
 * An expected failure with a stable code `<DOMAIN>.<REASON>` and no transport type.
 * HTTP maps codes to statuses; Kafka consumers dead-letter the message.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
