import { BaseRpcContext } from '@nestjs/microservices';

/** Where a consumed event came from, for handlers that need it (e.g. to store offsets). */
export class EventContext extends BaseRpcContext<[string, number, string]> {
  get topic(): string {
    return this.args[0];
  }
  get partition(): number {
    return this.args[1];
  }
  get offset(): string {
    return this.args[2];
  }
}
