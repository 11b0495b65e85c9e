import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/** A tabular result: column names and rows of JSON values, in column order. */
export class ResultSetV1 {
  @IsArray()
  @ArrayMaxSize(1600)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  columns: string[];
  @IsArray()
  @ArrayMaxSize(1_000_000)
  @IsArray({ each: true })
  rows: unknown[][];
  @IsInt() @Min(0) rowCount: number;
  /** True when the row cap cut the result short. */
  @IsBoolean() truncated: boolean;
}

/** What masking withheld in one field: entity type → count. Never the values. */
export class FieldMaskingV1 {
  @IsString() @MaxLength(256) field: string;
  @IsObject() entities: Record<string, number>;
}

export class MaskingReportV1 {
  @IsString() @MaxLength(64) profile: string;
  @IsInt() @Min(0) maskedValues: number;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FieldMaskingV1)
  fields: FieldMaskingV1[];
}
