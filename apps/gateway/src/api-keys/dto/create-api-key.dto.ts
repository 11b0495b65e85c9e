import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { CONNECTION_NAME } from '../../connections/connections-file';

/** Body of POST /v1/api-keys. */
export class CreateApiKeyDto {
  @ApiProperty({ description: 'names the service; the actor subject is `service:<name>`', example: 'billing-sync' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'name may hold a-z, 0-9 and . _ - (at most 64)' })
  name: string;

  @ApiProperty({ description: 'the connections this key may act on', example: ['demo-db'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(CONNECTION_NAME, { each: true, message: 'each connection must be a connection name' })
  connections: string[];

  @ApiPropertyOptional({ description: "the service's groups; default: the first action group", example: ['analysts'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  @Matches(/^[^,\s]+$/, { each: true, message: 'a group name has no spaces or commas' })
  groups?: string[];
}
