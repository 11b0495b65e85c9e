import { IsString, Matches, MaxLength } from 'class-validator';

export class GetSessionParams {
  @IsString()
  @MaxLength(256)
  @Matches(/^[A-Za-z0-9._:@-]+$/)
  id: string;
}
