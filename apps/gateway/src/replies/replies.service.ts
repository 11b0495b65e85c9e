import { Injectable } from '@nestjs/common';
import { ActionDecidedV1, EventEnvelope, ResultMaskedV1 } from '@verity/contracts';
import { PendingReplies } from './pending-replies';

/** Name of this instance's reply consumer (its own group, from the latest offset, no dead letters). */
export const REPLIES_CONSUMER = 'replies';

/** What the synchronous request path waits for: policy's decision, then the masked result. */
@Injectable()
export class RepliesService {
  readonly decisions = new PendingReplies<EventEnvelope<ActionDecidedV1>>();
  readonly masked = new PendingReplies<EventEnvelope<ResultMaskedV1>>();
}
