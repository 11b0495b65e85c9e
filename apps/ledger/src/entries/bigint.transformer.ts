import { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; ledger indices stay far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
