import { ArrayMaxSize, IsArray, IsString } from 'class-validator';
import { bySession, EventDefinition } from '../event-definition';

/** The outcome of an action that policy denied: it never ran. */
export class ActionDeniedV1 {
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) reasons: string[];
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) policyIds: string[];
}

export const ActionDenied: EventDefinition<ActionDeniedV1> = {
  type: 'verity.action.denied.v1',
  version: 1,
  topic: 'gateway.action.denied.v1',
  payload: ActionDeniedV1,
  ledgered: true,
  key: bySession,
};
