import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Body of POST /v1/reviews/:id/approve and /reject. */
export class ReviewVerdictDto {
  @ApiProperty({ maxLength: 2000, example: 'ticket OPS-142 confirms the customer moved' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  comment: string;

  @ApiPropertyOptional({
    description:
      'the payload digest the reviewer judged (as listed by GET /v1/reviews); the verdict is refused if the held payload differs',
    pattern: '^[0-9a-f]{64}$',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'payloadDigest must be 64 lowercase hex digits' })
  payloadDigest?: string;
}
