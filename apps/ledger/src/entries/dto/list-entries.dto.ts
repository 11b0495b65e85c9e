import { IsUUID } from 'class-validator';

export class ListEntriesQuery {
  @IsUUID()
  actionId: string;
}
