import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ActionDecided,
  ActionDecidedV1,
  ActionDenied,
  ActionDeniedV1,
  ActionExecuted,
  ActionExecutedV1,
  ActionFailed,
  ActionFailedV1,
  ActionRequested,
  ActionRequestedV1,
  AlertRaised,
  AlertRaisedV1,
  AuditRead,
  AuditReadV1,
  EventEnvelope,
  ReviewRequested,
  ReviewRequestedV1,
  ReviewVerdictSubmitted,
  ReviewVerdictSubmittedV1,
  ReviewApproved,
  ReviewApprovedV1,
  ReviewRejected,
  ReviewRejectedV1,
  ReviewExpired,
  ReviewExpiredV1,
  ReviewVerdictRefused,
  ReviewVerdictRefusedV1,
} from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { PublicationService } from '../publication/publication.service';
import { EntriesService } from './entries.service';

/** Every ledgered event (LEDGERED_EVENTS), consumed by group `ledger.append`. */
@Controller()
export class EntriesConsumer {
  constructor(
    private readonly entries: EntriesService,
    private readonly publication: PublicationService,
  ) {}

  @ConsumeEvent(ActionRequested)
  requested(@Payload() event: EventEnvelope<ActionRequestedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ActionDecided)
  decided(@Payload() event: EventEnvelope<ActionDecidedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ActionExecuted)
  executed(@Payload() event: EventEnvelope<ActionExecutedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ActionFailed)
  failed(@Payload() event: EventEnvelope<ActionFailedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ActionDenied)
  denied(@Payload() event: EventEnvelope<ActionDeniedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(AlertRaised)
  alert(@Payload() event: EventEnvelope<AlertRaisedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewRequested)
  reviewRequested(@Payload() event: EventEnvelope<ReviewRequestedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewVerdictSubmitted)
  verdictSubmitted(@Payload() event: EventEnvelope<ReviewVerdictSubmittedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewApproved)
  reviewApproved(@Payload() event: EventEnvelope<ReviewApprovedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewRejected)
  reviewRejected(@Payload() event: EventEnvelope<ReviewRejectedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewExpired)
  reviewExpired(@Payload() event: EventEnvelope<ReviewExpiredV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(ReviewVerdictRefused)
  verdictRefused(@Payload() event: EventEnvelope<ReviewVerdictRefusedV1>): Promise<void> {
    return this.append(event);
  }

  @ConsumeEvent(AuditRead)
  auditRead(@Payload() event: EventEnvelope<AuditReadV1>): Promise<void> {
    return this.append(event);
  }

  private async append(event: EventEnvelope<object>): Promise<void> {
    const result = await this.entries.append(event);
    if (result.outcome === 'appended') await this.publication.flush();
  }
}
