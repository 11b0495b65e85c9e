import { IsIn, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

/**
 * Something compliance should look at: a session budget crossed, a burst of denials, an
 * intent without an outcome. Raised by the service that noticed it; `actionid` names the action
 * that triggered it.
 */
export class AlertRaisedV1 {
  /** Stable kind `<area>.<what>`, e.g. `budget.exceeded`. */
  @Matches(/^[a-z]+\.[a-z_]+$/) kind: string;
  @IsIn(ALERT_SEVERITIES) severity: (typeof ALERT_SEVERITIES)[number];
  @IsString() @MaxLength(2000) message: string;
  /** Facts behind the alert (counts, limits, names); never data values or credentials. */
  @IsObject() details: Record<string, unknown>;
}

export const AlertRaised: EventDefinition<AlertRaisedV1> = {
  type: 'verity.alert.raised.v1',
  version: 1,
  topic: 'policy.alert.raised.v1',
  payload: AlertRaisedV1,
  ledgered: true,
  key: bySession,
};
