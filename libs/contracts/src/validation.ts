import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EnvelopeV1, EventEnvelope } from './envelope';
import { EventDefinition } from './event-definition';

export type Validated<T> = { ok: true; event: EventEnvelope<T> } | { ok: false; errors: string[] };

/** class-validator options for Verity's contracts: no field the class does not declare. */
export const STRICT_VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

/** Flattens class-validator errors into `path: message` lines. */
export function describeErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describeErrors(e.children ?? [], path)];
  });
}

/**
 * Checks that `raw` is an envelope of exactly this event type with a valid payload, and
 * returns it with `data` as an instance of the payload class.
 */
export function validateEvent<T extends object>(def: EventDefinition<T>, raw: unknown): Validated<T> {
  try {
    return validateUnsafe(def, raw);
  } catch (err) {
    // class-transformer cannot read some free-form JSON (e.g. a `constructor` key in a body).
    return { ok: false, errors: [`data: cannot be read as ${def.type}: ${(err as Error).message}`] };
  }
}

function validateUnsafe<T extends object>(def: EventDefinition<T>, raw: unknown): Validated<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: ['message is not a JSON object'] };
  }
  const envelope = plainToInstance(EnvelopeV1, raw);
  const errors = describeErrors(validateSync(envelope, STRICT_VALIDATION));
  if (envelope.type !== def.type) errors.push(`type: expected ${def.type}`);
  if (errors.length > 0) return { ok: false, errors };
  const data = plainToInstance(def.payload, (raw as { data: unknown }).data);
  const dataErrors = describeErrors(validateSync(data, STRICT_VALIDATION), 'data');
  if (dataErrors.length > 0) return { ok: false, errors: dataErrors };
  return { ok: true, event: { ...envelope, data } };
}
