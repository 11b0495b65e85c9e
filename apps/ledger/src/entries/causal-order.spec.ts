import { ActionDecided, ActionDenied, ActionExecuted, ActionFailed, ActionRequested } from '@verity/contracts';
import { lifecyclePredecessor } from './causal-order';
import { PlainEvent } from './ledger-entry';

const event = (type: string, data: object = {}) => ({ type, data }) as PlainEvent;

describe('lifecyclePredecessor', () => {
  it('puts decided after requested, and executed and denied after decided', () => {
    expect(lifecyclePredecessor(event(ActionRequested.type))).toBeUndefined();
    expect(lifecyclePredecessor(event(ActionDecided.type))).toBe(ActionRequested.type);
    expect(lifecyclePredecessor(event(ActionExecuted.type))).toBe(ActionDecided.type);
    expect(lifecyclePredecessor(event(ActionDenied.type))).toBe(ActionDecided.type);
  });

  it('puts a failure after the step its stage follows', () => {
    expect(lifecyclePredecessor(event(ActionFailed.type, { stage: 'decision' }))).toBe(ActionRequested.type);
    expect(lifecyclePredecessor(event(ActionFailed.type, { stage: 'execution' }))).toBe(ActionDecided.type);
    expect(lifecyclePredecessor(event(ActionFailed.type, { stage: 'masking' }))).toBe(ActionDecided.type);
  });

  it('knows nothing of other types', () => {
    expect(lifecyclePredecessor(event('verity.something.else.v1'))).toBeUndefined();
  });
});
