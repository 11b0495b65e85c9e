import { EventDefinition } from './event-definition';
import { AlertRaised } from './events/alert-raised.v1.event';
import { ActionDecided } from './events/action-decided.v1.event';
import { ActionDenied } from './events/action-denied.v1.event';
import { ActionExecuted } from './events/action-executed.v1.event';
import { ActionFailed } from './events/action-failed.v1.event';
import { ActionRequested } from './events/action-requested.v1.event';
import { LedgerAppended } from './events/ledger-appended.v1.event';
import { ReviewRequested } from './events/review-requested.v1.event';
import { ReviewVerdictSubmitted } from './events/review-verdict-submitted.v1.event';
import { ReviewApproved } from './events/review-approved.v1.event';
import { ReviewRejected } from './events/review-rejected.v1.event';
import { ReviewExpired } from './events/review-expired.v1.event';
import { ReviewVerdictRefused } from './events/review-verdict-refused.v1.event';
import { AuditRead } from './events/audit-read.v1.event';
import { ResultCaptured } from './events/result-captured.v1.event';
import { ResultMasked } from './events/result-masked.v1.event';

/** Every event the platform exchanges. Topics are created from this list at start. */
export const EVENT_REGISTRY: readonly EventDefinition[] = [
  ActionRequested,
  ActionDecided,
  ActionExecuted,
  ActionFailed,
  ActionDenied,
  AlertRaised,
  ReviewRequested,
  ReviewVerdictSubmitted,
  ReviewApproved,
  ReviewRejected,
  ReviewExpired,
  ReviewVerdictRefused,
  ResultCaptured,
  ResultMasked,
  LedgerAppended,
  AuditRead,
] as EventDefinition[];

export const LEDGERED_EVENTS = EVENT_REGISTRY.filter((d) => d.ledgered);

export function definitionForType(type: string): EventDefinition | undefined {
  return EVENT_REGISTRY.find((d) => d.type === type);
}

export function definitionForTopic(topic: string): EventDefinition | undefined {
  return EVENT_REGISTRY.find((d) => d.topic === topic);
}
