import { ActionDecided, ActionDenied, ActionExecuted, ActionFailed, ActionRequested } from '@verity/contracts';
import { PlainEvent } from './ledger-entry';

/**
 * The ledgered event type that must precede this event within its action, from the action
 * lifecycle: requested → decided → executed | denied, and failed after requested (stage
 * `decision`) or after decided (stages `execution`, `masking`).
 *
 * It complements `causationid`, which may name a work message that is never ledgered (the
 * gateway's executed event is caused by the masking reply): waiting for such a cause would
 * hold the event back until the park timeout.
 */
export function lifecyclePredecessor(event: PlainEvent): string | undefined {
  switch (event.type) {
    case ActionDecided.type:
      return ActionRequested.type;
    case ActionExecuted.type:
    case ActionDenied.type:
      return ActionDecided.type;
    case ActionFailed.type:
      return (event.data as { stage?: string }).stage === 'decision' ? ActionRequested.type : ActionDecided.type;
    default:
      return undefined;
  }
}
