import { emptyAction } from '../actions/action-projection';
import { contributionOf, deltaOf } from './contribution';

const requested = {
  ...emptyAction('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 's'),
  requestedAt: new Date('2026-01-01T10:00:00.000Z'),
};

describe('summary contributions', () => {
  it('counts nothing until the request is in', () => {
    expect(contributionOf(emptyAction('0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 's')).actions).toBe(0);
    expect(contributionOf(null).actions).toBe(0);
  });

  it('moves a denial from nothing to one deny and one denied outcome', () => {
    const denied = {
      ...requested,
      decision: 'deny',
      status: 'denied',
      completedAt: new Date('2026-01-01T10:00:02.000Z'),
    };
    const delta = deltaOf(contributionOf(requested), contributionOf(denied));
    expect(delta).toMatchObject({ actions: 0, denied: 1, deniedOutcome: 1, allowed: 0 });
    expect(delta?.lastAt).toEqual(new Date('2026-01-01T10:00:02.000Z'));
  });

  it('takes a pending review off when it concludes', () => {
    const pending = { ...requested, decision: 'review', reviewState: 'pending' };
    const approved = { ...pending, reviewState: 'approved' };
    expect(deltaOf(contributionOf(pending), contributionOf(approved))).toMatchObject({ pendingReview: -1 });
  });

  it('is null when nothing shown changes', () => {
    expect(deltaOf(contributionOf(requested), contributionOf({ ...requested, sql: 'SELECT 1' }))).toBeNull();
  });
});
